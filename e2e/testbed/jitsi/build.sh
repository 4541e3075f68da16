#!/usr/bin/env bash
# Builds the real Jitsi parts of the test bed (BRIDGES=jvb) into a cache keyed by commit:
#   $MEETINGFLEET_CACHE/jitsi/jvb-<commit>/      jitsi-videobridge.jar, lib/ (ice4j with the loopback patch)
#   $MEETINGFLEET_CACHE/jitsi/jicofo-<commit>/   jicofo.jar, lib/
#   $MEETINGFLEET_CACHE/jitsi/docker-jitsi-meet-<commit>/   the images' config templates
#   $MEETINGFLEET_CACHE/bin/tpl-<version>        the images' template renderer
# Sources: the `git archive`s in $JITSI_SOURCES (default ../shared/third-party beside the checkout), else
# clones of the same commits from GitHub. Third-party artifacts come from Maven Central only (a mirror routes
# every repository there). A warm run only checks that the outputs exist. Prints the jitsi directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=/dev/null
. "$here/versions.env"
cache=${MEETINGFLEET_CACHE:-$HOME/.cache/meetingfleet}
sources=${JITSI_SOURCES:-$root/../shared/third-party}
out="$cache/jitsi"
jvb_dir="$out/jvb-${JVB_COMMIT:0:7}"
jicofo_dir="$out/jicofo-${JICOFO_COMMIT:0:7}"
templates_dir="$out/docker-jitsi-meet-${DOCKER_JITSI_MEET_COMMIT:0:8}"
tpl_bin="$cache/bin/tpl-$TPL_VERSION"
mkdir -p "$out" "$cache/bin"

if [ -f "$jvb_dir/jitsi-videobridge.jar" ] && [ -f "$jicofo_dir/jicofo.jar" ] && [ -d "$templates_dir/jvb" ] && [ -x "$tpl_bin" ]; then
  echo "$out"
  exit 0
fi

log() { echo "jitsi build: $*" >&2; }
work=$(mktemp -d "$out/build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Java 17 and Maven from Debian where missing.
if ! command -v mvn >/dev/null || ! command -v java >/dev/null || ! command -v unzip >/dev/null; then
  log "installing Debian's openjdk-17-jdk-headless, maven and unzip"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven unzip >&2
fi

# Unpacks project@commit into $work/<project>: from the archive when there is one, else a clone.
fetch() { # project commit archive-prefix
  local archive
  archive=$(ls "$sources/$3"*.tar.gz 2>/dev/null | head -1 || true)
  mkdir -p "$work/$1"
  if [ -n "$archive" ]; then
    tar -xzf "$archive" -C "$work/$1" --strip-components=1
  else
    log "no $3 archive in $sources: cloning jitsi/$1 at $2"
    git clone -q "https://github.com/jitsi/$1.git" "$work/$1" >&2
    git -C "$work/$1" checkout -q "$2"
  fi
}
patch_with() { # project patch-file
  if [ -f "$sources/patches/$2" ]; then
    patch -s -d "$work/$1" -p1 <"$sources/patches/$2"
  else
    log "patch $2 not found in $sources/patches: building $1 unpatched"
  fi
}

settings="$work/settings.xml"
cat >"$settings" <<EOF
<settings>
  <localRepository>$cache/m2</localRepository>
  <mirrors><mirror><id>central-only</id><mirrorOf>*</mirrorOf><url>https://repo.maven.apache.org/maven2</url></mirror></mirrors>
</settings>
EOF
# A larger JIT code cache: the default fills up compiling JVB and the JIT then stops (a slower build).
export MAVEN_OPTS="${MAVEN_OPTS:-} -XX:ReservedCodeCacheSize=512m"
# No Kotlin daemon: it would outlive the build with ~2.6 GB resident.
mvn_build() { (cd "$1" && mvn -B -q -s "$settings" -DskipTests -Dkotlin.compiler.daemon=false "${@:2}") >&2; }
mvn_install() { mvn_build "$@" install; }

if [ ! -f "$jvb_dir/jitsi-videobridge.jar" ]; then
  log "dcsctp4j $DCSCTP_VERSION (Java part; not on Maven Central)"
  fetch dcsctp4j "$DCSCTP4J_COMMIT" dcsctp4j-
  sed -i "0,/<version>1.0-SNAPSHOT<\/version>/s//<version>$DCSCTP_VERSION<\/version>/" "$work/dcsctp4j/pom.xml"
  mvn_install "$work/dcsctp4j"

  log "jicoco-mucclient $JICOCO_MUCCLIENT_VERSION (no longer on Maven Central)"
  fetch jicoco "$JICOCO_COMMIT" jicoco-
  sed -i "s/<version>1.1-SNAPSHOT<\/version>/<version>$JICOCO_MUCCLIENT_VERSION<\/version>/g" "$work/jicoco/jicoco-mucclient/pom.xml"
  # jicoco's parent runs Dokka at prepare-package, and Dokka fetches the JDK's and Kotlin's package lists from
  # the web, which this build must not reach. Only the jar is needed: build up to process-classes (where bnd
  # writes the manifest the jar uses), then jar and install it.
  mvn_build "$work/jicoco/jicoco-mucclient" -Dsmack.version="$SMACK_VERSION" process-classes jar:jar install:install

  log "ice4j with the loopback patch (opt-in by -Dorg.ice4j.ice.harvest.ALLOW_LOOPBACK=true)"
  fetch ice4j "$ICE4J_COMMIT" ice4j-
  patch_with ice4j ice4j-allow-loopback.diff
  (cd "$work/ice4j" && mvn -B -q -s "$settings" -DskipTests -Dmaven.javadoc.skip=true package) >&2

  log "jitsi-videobridge (about 9 minutes cold)"
  fetch jitsi-videobridge "$JVB_COMMIT" jitsi-videobridge-
  patch_with jitsi-videobridge jitsi-videobridge-pom-upstream-smack.diff
  mvn_install "$work/jitsi-videobridge"
  rm -rf "$jvb_dir.tmp" && mkdir -p "$jvb_dir.tmp"
  unzip -q "$work"/jitsi-videobridge/jvb/target/jitsi-videobridge-*-archive.zip -d "$work/jvb-zip"
  cp -r "$work"/jvb-zip/*/lib "$jvb_dir.tmp/"
  cp "$work"/jvb-zip/*/jitsi-videobridge*.jar "$jvb_dir.tmp/jitsi-videobridge.jar"
  ice4j_jar=$(ls "$jvb_dir.tmp"/lib/ice4j-*.jar)
  cp "$(ls "$work"/ice4j/target/ice4j-*.jar | grep -v -e sources -e javadoc | head -1)" "$ice4j_jar"
  rm -rf "$jvb_dir" && mv "$jvb_dir.tmp" "$jvb_dir"
fi

if [ ! -f "$jicofo_dir/jicofo.jar" ]; then
  log "jicofo (about 3 minutes with a warm Maven repository)"
  fetch jicofo "$JICOFO_COMMIT" jicofo-
  patch_with jicofo jicofo-pom-upstream-smack.diff
  mvn_install "$work/jicofo" -Dspotbugs.skip=true -Dktlint.skip=true
  rm -rf "$jicofo_dir.tmp" && mkdir -p "$jicofo_dir.tmp"
  unzip -q "$work"/jicofo/jicofo/target/jicofo-*-archive.zip -d "$work/jicofo-zip"
  cp -r "$work"/jicofo-zip/*/lib "$jicofo_dir.tmp/"
  cp "$work"/jicofo-zip/*/jicofo*.jar "$jicofo_dir.tmp/jicofo.jar"
  rm -rf "$jicofo_dir" && mv "$jicofo_dir.tmp" "$jicofo_dir"
fi

if [ ! -d "$templates_dir/jvb" ]; then
  fetch docker-jitsi-meet "$DOCKER_JITSI_MEET_COMMIT" docker-jitsi-meet-
  rm -rf "$templates_dir.tmp" && mkdir -p "$templates_dir.tmp"
  for image in jvb jicofo prosody; do cp -r "$work/docker-jitsi-meet/$image/rootfs" "$templates_dir.tmp/$image"; done
  rm -rf "$templates_dir" && mv "$templates_dir.tmp" "$templates_dir"
fi

if [ ! -x "$tpl_bin" ]; then
  log "tpl $TPL_VERSION (the images' template renderer; its dependencies from the Go module proxy)"
  fetch tpl "$TPL_VERSION" tpl-
  (cd "$work/tpl" && GOPATH="$cache/gopath" GOCACHE="$cache/gocache" GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local \
    go build -trimpath -ldflags "-s -w" -o "$tpl_bin.tmp" .) >&2
  mv "$tpl_bin.tmp" "$tpl_bin"
fi
echo "$out"
