-- Prosody for the real-Jitsi test bed (BRIDGES=jvb): the domains, users and MUCs of docker-jitsi-meet's
-- prosody image, on loopback, without TLS, run in the foreground. @VARS@ are filled in by configure.sh.
pidfile = "@DIR@/prosody.pid"
data_path = "@DIR@/data"
certificates = "@DIR@/certs"
run_as_root = true
interfaces = { "127.0.0.1" }
c2s_ports = { @XMPP_PORT@ }
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }
s2s_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
plugin_paths = { "@PLUGINS@" }
modules_enabled = { "roster", "saslauth", "disco", "ping" }
modules_disabled = { "s2s", "tls", "posix" }
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
storage = "internal"
log = { info = "*console" }
-- Jicofo must own the brewery and the conference rooms, whoever enters them first.
admins = { "focus@auth.meet.jitsi", "jvb@auth.meet.jitsi" }

VirtualHost "meet.jitsi"
    authentication = "anonymous"

VirtualHost "auth.meet.jitsi"

Component "internal-muc.meet.jitsi" "muc"
    storage = "memory"
    restrict_room_creation = true
    muc_room_locking = false
    muc_room_default_public_jids = true
    muc_tombstones = false

Component "muc.meet.jitsi" "muc"
    storage = "memory"
    restrict_room_creation = true
    muc_room_locking = false
    muc_room_default_public_jids = true
    muc_tombstones = false

-- focus.meet.jitsi is where jitsi-meet clients send conference requests (jitsi-meet's mod_client_proxy).
Component "focus.meet.jitsi" "client_proxy"
    target_address = "focus@auth.meet.jitsi"
