#!/usr/bin/env bash
# Writes the real-Jitsi test bed's signaling configuration into DIR (once): Prosody's config, its users
# focus and jvb (random passwords, kept in DIR/passwords.env), focus's roster entry for focus.meet.jitsi
# (what docker-jitsi-meet does with mod_roster_command), and Jicofo's config rendered by `tpl` from the
# jicofo image's template and environment, as the image does at start.
#   configure.sh DIR XMPP_PORT JICOFO_REST_PORT JITSI_DIR TPL PLUGINS_DIR
set -euo pipefail
dir=$1 xmpp_port=$2 rest_port=$3 jitsi=$4 tpl=$5 plugins=$6
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$dir/done" ] && exit 0
mkdir -p "$dir/data" "$dir/certs" "$dir/jicofo"
sed -e "s|@DIR@|$dir|g" -e "s|@XMPP_PORT@|$xmpp_port|g" -e "s|@PLUGINS@|$plugins|g" "$here/prosody.cfg.lua" >"$dir/prosody.cfg.lua"
if [ ! -f "$plugins/mod_client_proxy.lua" ]; then
  # Without jitsi-meet's plugin, clients address focus@auth.meet.jitsi/focus directly (Jicofo accepts both).
  sed -i '/^Component "focus.meet.jitsi"/,$d' "$dir/prosody.cfg.lua"
fi
password() { head -c 18 /dev/urandom | base64 | tr -d '/+='; }
{
  echo "FOCUS_PASSWORD=$(password)"
  echo "JVB_PASSWORD=$(password)"
} >"$dir/passwords.env"
chmod 600 "$dir/passwords.env"
# shellcheck source=/dev/null
. "$dir/passwords.env"
prosodyctl --config "$dir/prosody.cfg.lua" register focus auth.meet.jitsi "$FOCUS_PASSWORD" >/dev/null 2>&1
prosodyctl --config "$dir/prosody.cfg.lua" register jvb auth.meet.jitsi "$JVB_PASSWORD" >/dev/null 2>&1
mkdir -p "$dir/data/auth%2emeet%2ejitsi/roster"
cat >"$dir/data/auth%2emeet%2ejitsi/roster/focus.dat" <<'LUA'
return {
	[false] = { version = 1; pending = {} };
	["focus.meet.jitsi"] = { subscription = "both"; groups = {} };
};
LUA
image="$(ls -d "$jitsi"/docker-jitsi-meet-*)/jicofo/defaults"
env -i XMPP_SERVER=127.0.0.1 XMPP_PORT="$xmpp_port" JICOFO_AUTH_PASSWORD="$FOCUS_PASSWORD" JICOFO_ENABLE_REST=1 \
  "$tpl" "$image/jicofo.conf" >"$dir/jicofo/jicofo.conf"
env -i "$tpl" "$image/logging.properties" >"$dir/jicofo/logging.properties"
# The image's config includes custom-jicofo.conf: Jicofo's REST API on loopback, no SCTP (no native library).
cat >"$dir/jicofo/custom-jicofo.conf" <<CONF
jicofo.rest.host = "127.0.0.1"
jicofo.rest.port = $rest_port
jicofo.sctp.enabled = false
CONF
touch "$dir/done"
