#!/usr/bin/env bash
# The local test bed: a real Kubernetes control plane without Docker.
#   cluster.sh up       etcd, kube-apiserver (TLS, RBAC, service-account keys), controller manager,
#                       scheduler, kwok with fake nodes, and the bridge emulator (or, with BRIDGES=jvb,
#                       Prosody, Jicofo and the runner of real JVBs); waits until ready
#   cluster.sh down     stops exactly the processes `up` started (by recorded PID), keeps nothing
#   cluster.sh status   what runs, and where
# State lives in $TESTBED_DIR (default .testbed/, gitignored): kubeconfig, env (ports and addresses),
# pki/, logs/, pids/. Every port is on loopback and picked free at first start, and the pod network is
# a /17 inside 127.0.0.0/8 picked per test bed, so two test beds on one machine do not collide.
# `up` is idempotent (it starts only what is not running) and stops what it started when it fails;
# `down` is safe after a crash.
# CLUSTER=kind runs the same contract on kind (machines with Docker): see kind.sh.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/e2e/testbed"
dir=${TESTBED_DIR:-$root/.testbed}
nodes=${TESTBED_NODES:-3}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if [ "${CLUSTER:-local}" = kind ]; then exec "$here/kind.sh" "$@"; fi

log() { echo "testbed: $*" >&2; }
die() { log "$*"; exit 1; }

# --- processes ---------------------------------------------------------------------------------

pidfile() { echo "$dir/pids/$1.pid"; }

# A recorded PID counts as ours only while its command line still names this test bed's directory,
# so a PID reused by an unrelated process after a crash is never signalled. A live process whose command
# line does not (yet) name it gets a second look for up to a second: a component just started shows this
# script's command line until it has exec'd (setsid, then the binary), and once, on a busy machine, that
# moment made a live API server look exited. A zombie or a vanished process is not running.
running() {
  local f pid state
  f=$(pidfile "$1")
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  for _ in $(seq 1 10); do
    state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)
    case "$state" in "" | Z | X) return 1 ;; esac
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir"; then return 0; fi
    sleep 0.1
  done
  return 1
}

start() { # name command...
  local name=$1
  shift
  if running "$name"; then return 0; fi
  mkdir -p "$dir/pids" "$dir/logs"
  # setsid: the component outlives this shell and never gets the caller's terminal signals.
  setsid "$@" >>"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
  started_now+=("$name")
  log "started $name (pid $!)"
}
started_now=()

stop() { # name
  local f pid i
  f=$(pidfile "$1")
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if running "$1"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do running "$1" || break; sleep 0.1; done
    if running "$1"; then kill -KILL "$pid" 2>/dev/null || true; fi
    log "stopped $1 (pid $pid)"
  fi
  rm -f "$f"
}

# --- addresses ---------------------------------------------------------------------------------

port_free() { ! ss -Htln "sport = :$1" | grep -q .; }
port_listening() { ! port_free "$1"; }

# Ports come from below the kernel's range for outgoing connections: a port picked free inside it can
# become the local end of some connection (a client of the API server, say) before its server binds it,
# and then the server fails with "address already in use" (seen once: kwok, port 35850).
ephemeral_low() {
  local low
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
  echo "$low"
}

free_port() {
  local p low span
  low=$(ephemeral_low)
  span=$((low > 21000 && low < 40000 ? low - 20000 : 20000))
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % span))
    if port_free "$p" && ! grep -qs "=$p\$" "$dir/env.tmp" "$records"/*; then echo "$p"; return; fi
  done
  die "no free loopback port found"
}

# Every test bed's env (its ports and 127.N block) is recorded here until its `down`, so that another bed
# picks others even before this one listens on them: `make test` starts several beds, tests start more.
records=/tmp/meetingfleet-testbeds
record="$records/$(echo "$dir" | md5sum | cut -c1-12)"

# A 127.N.0.0/16 block whose addresses nothing listens on and no other test bed recorded.
free_block() {
  local n
  for _ in $(seq 1 100); do
    n=$((20 + RANDOM % 230))
    if ! ss -Htln | awk '{print $4}' | grep -q "^127\.$n\." && ! grep -qs "^TESTBED_BLOCK=$n\$" "$records"/*; then
      echo "$n"; return
    fi
  done
  die "no free 127.N.0.0/16 block found"
}

write_env() { # bin-dir
  [ -f "$dir/env" ] && return 0
  local block bin=$1
  mkdir -p "$records"
  # One bed at a time picks and records, so two beds started together cannot pick the same port.
  exec {lock}>"$records/.lock"
  flock "$lock"
  block=$(free_block)
  : >"$dir/env.tmp"
  {
    echo "CLUSTER=local"
    echo "KUBECTL=$bin/kubectl-$K8S_VERSION"
    echo "TESTBED_DIR=$dir"
    echo "TESTBED_BLOCK=$block"
    echo "POD_CIDR=127.$block.0.0/17"
    echo "NODE_IP_PREFIX=127.$block.200."
    echo "EXTERNAL_IP_PREFIX=127.$block.201."
    echo "BRIDGES=${BRIDGES:-emulator}"
    echo "SERVICE_CIDR=127.$block.224.0/20"
    for name in ETCD_PORT ETCD_PEER_PORT API_PORT KCM_PORT SCHEDULER_PORT KWOK_PORT EMULATOR_PORT XMPP_PORT JICOFO_PORT; do
      echo "$name=$(free_port)" | tee -a "$dir/env.tmp"
    done
  } >"$dir/env.new"
  mv "$dir/env.new" "$dir/env"
  rm -f "$dir/env.tmp"
  cp "$dir/env" "$record"
  exec {lock}>&-
}

# --- certificates and kubeconfigs --------------------------------------------------------------

pki() {
  local p="$dir/pki"
  [ -f "$p/done" ] && return 0
  mkdir -p "$p"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=meetingfleet-testbed-ca" \
    -keyout "$p/ca.key" -out "$p/ca.crt" 2>/dev/null
  sign() { # name subject extensions
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$p/$1.key" -out "$p/$1.csr" 2>/dev/null
    openssl x509 -req -in "$p/$1.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 3650 \
      -extfile <(printf '%s\n' "$3") -out "$p/$1.crt" 2>/dev/null
  }
  sign apiserver "/CN=kube-apiserver" \
    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc
extendedKeyUsage=serverAuth"
  sign admin "/O=system:masters/CN=testbed-admin" "extendedKeyUsage=clientAuth"
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
  touch "$p/done"
}

write_kubeconfig() {
  cat >"$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: testbed
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $dir/pki/ca.crt
users:
- name: testbed-admin
  user:
    client-certificate: $dir/pki/admin.crt
    client-key: $dir/pki/admin.key
contexts:
- name: testbed
  context: {cluster: testbed, user: testbed-admin}
current-context: testbed
EOF
}

# --- readiness ---------------------------------------------------------------------------------

wait_for() { # process-name description timeout-seconds command...
  local name=$1 what=$2 limit=$3 i
  shift 3
  for i in $(seq 1 $((limit * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! running "$name"; then
      tail -n 15 "$dir/logs/$name.log" >&2 || true
      die "$name exited while waiting for $what (log: $dir/logs/$name.log)"
    fi
    sleep 0.2
  done
  die "timed out after ${limit}s waiting for $what (logs in $dir/logs)"
}

api_ready() {
  curl -fsS --max-time 2 --cacert "$dir/pki/ca.crt" --cert "$dir/pki/admin.crt" --key "$dir/pki/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz" | grep -q ok
}

# --- real Jitsi (BRIDGES=jvb) ------------------------------------------------------------------

# Prosody and one Jicofo on loopback, and the runner that gives every bridge pod a real JVB process.
start_jitsi() { # node-bin
  local jitsi tpl
  "$root/scripts/ensure-debian-packages.sh" prosody:prosody java:openjdk-17-jdk-headless
  jitsi=$("$here/jitsi/build.sh")
  # shellcheck source=/dev/null
  . "$here/jitsi/versions.env"
  tpl="${MEETINGFLEET_CACHE:-$HOME/.cache/meetingfleet}/bin/tpl-$TPL_VERSION"
  "$here/jitsi/configure.sh" "$dir/jitsi" "$XMPP_PORT" "$JICOFO_PORT" "$jitsi" "$tpl" "${JITSI_SOURCES:-$root/../shared/third-party}/prosody-plugins"
  start prosody prosody -F --config "$dir/jitsi/prosody.cfg.lua"
  wait_for prosody "Prosody on port $XMPP_PORT" 30 port_listening "$XMPP_PORT"
  local jicofo
  jicofo=$(ls -d "$jitsi"/jicofo-*)
  start jicofo java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Djava.util.logging.config.file="$dir/jitsi/jicofo/logging.properties" -Dconfig.file="$dir/jitsi/jicofo/jicofo.conf" \
    -Dnet.java.sip.communicator.SC_HOME_DIR_LOCATION="$dir/jitsi/jicofo" -Dnet.java.sip.communicator.SC_HOME_DIR_NAME=. \
    -cp "$jicofo/jicofo.jar:$jicofo/lib/*" org.jitsi.jicofo.Main
  # /about/health fails while no bridge has joined; /stats answers once Jicofo runs.
  wait_for jicofo "Jicofo's REST API" 120 curl -fsS --max-time 2 "http://127.0.0.1:$JICOFO_PORT/stats"
  start jvb-runner "$1/node" "$root/e2e/jitsi/main.ts" --kubeconfig "$dir/kubeconfig" \
    --jvb-dir "$(ls -d "$jitsi"/jvb-*)" --image-root "$(ls -d "$jitsi"/docker-jitsi-meet-*)/jvb" --tpl "$tpl" \
    --state-dir "$dir/jvb" --stats-interval "${JVB_STATS_INTERVAL:-1 second}" --shutting-down-delay "${JVB_SHUTTING_DOWN_DELAY:-2 seconds}" \
    --control-address "127.0.0.1:$EMULATOR_PORT" --xmpp-port "$XMPP_PORT"
  wait_for jvb-runner "the JVB runner's control API" 30 curl -fsS --max-time 2 "http://127.0.0.1:$EMULATOR_PORT/healthz"
}

# Bridges whose runner was killed before it could stop them, and the pod addresses it put on lo.
cleanup_jitsi() {
  local pid addr
  for pid in $(pgrep -f -- "-Dconfig.file=$dir/jvb/" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  [ -n "${TESTBED_BLOCK:-}" ] || return 0
  for addr in $(ip -o addr show dev lo 2>/dev/null | awk '{print $4}' | grep "^127\.$TESTBED_BLOCK\." || true); do
    ip addr del "$addr" dev lo 2>/dev/null || true
  done
}

# --- commands ----------------------------------------------------------------------------------

# A failed `up` stops what it started: all of a test bed it began (so the next `up` picks new ports), or
# only the components it added to one that was already running.
up_failed() { # fresh
  local i
  log "up failed: stopping what it started"
  if [ "$1" = 1 ]; then
    down
  else
    for ((i = ${#started_now[@]} - 1; i >= 0; i--)); do stop "${started_now[$i]}"; done
  fi
}

up() {
  local t0 bin node_bin fresh=0
  [ -f "$dir/env" ] || fresh=1
  trap "up_failed $fresh" EXIT
  t0=$(date +%s.%N)
  bin=$("$here/tools/build.sh")
  node_bin=$("$root/scripts/node-env.sh")
  # shellcheck source=/dev/null
  . "$here/tools/versions.env"
  local wanted=${BRIDGES:-}
  write_env "$bin"
  # shellcheck source=/dev/null
  . "$dir/env"
  if [ -n "$wanted" ] && [ "$wanted" != "$BRIDGES" ]; then
    trap - EXIT
    die "this test bed runs BRIDGES=$BRIDGES; run cluster-down first to start one with BRIDGES=$wanted"
  fi
  case "$BRIDGES" in emulator | jvb) ;; *) die "BRIDGES must be emulator or jvb, not $BRIDGES" ;; esac
  pki
  write_kubeconfig
  local kubectl="$bin/kubectl-$K8S_VERSION --kubeconfig $dir/kubeconfig"

  start etcd "$bin/etcd-$ETCD_VERSION" --name testbed --data-dir "$dir/etcd" --unsafe-no-fsync \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "testbed=http://127.0.0.1:$ETCD_PEER_PORT" --log-level warn --quota-backend-bytes 4294967296

  start kube-apiserver "$bin/kube-apiserver-$K8S_VERSION" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
    --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
    --client-ca-file "$dir/pki/ca.crt" --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$dir/pki/sa.pub" --service-account-signing-key-file "$dir/pki/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --service-node-port-range 30000-32767 \
    --endpoint-reconciler-type none --allow-privileged=true --profiling=false \
    --cert-dir "$dir/pki/apiserver-generated"
  wait_for kube-apiserver "kube-apiserver /readyz" 90 api_ready

  start kube-controller-manager "$bin/kube-controller-manager-$K8S_VERSION" \
    --kubeconfig "$dir/kubeconfig" --authentication-kubeconfig "$dir/kubeconfig" --authorization-kubeconfig "$dir/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --leader-elect=false \
    --service-account-private-key-file "$dir/pki/sa.key" --root-ca-file "$dir/pki/ca.crt" \
    --use-service-account-credentials=false --controllers '*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller' \
    --cert-dir "$dir/pki/kcm-generated"

  start kube-scheduler "$bin/kube-scheduler-$K8S_VERSION" \
    --kubeconfig "$dir/kubeconfig" --authentication-kubeconfig "$dir/kubeconfig" --authorization-kubeconfig "$dir/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false \
    --cert-dir "$dir/pki/scheduler-generated"

  start kwok "$bin/kwok-$KWOK_VERSION" --kubeconfig "$dir/kubeconfig" --config "$here/kwok/stages.yaml" \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --cidr "$POD_CIDR" --node-ip "${NODE_IP_PREFIX}254" --node-lease-duration-seconds 40 \
    --server-address "127.0.0.1:$KWOK_PORT"

  local i zones=(a b c)
  for i in $(seq 1 "$nodes"); do
    $kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    testbed.meetingfleet.dev/node-ip: "${NODE_IP_PREFIX}$i"
    testbed.meetingfleet.dev/external-ip: "${EXTERNAL_IP_PREFIX}$i"
  labels:
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node.kubernetes.io/instance-type: testbed-32c
    topology.kubernetes.io/region: eu-south
    topology.kubernetes.io/zone: eu-south-${zones[$(((i - 1) % 3))]}
    type: kwok
EOF
  done
  wait_for kwok "$nodes Ready nodes" 60 sh -c "[ \$($kubectl get nodes --no-headers 2>/dev/null | awk '\$2==\"Ready\"' | wc -l) -ge $nodes ]"
  wait_for kube-controller-manager "the default service account (controller manager)" 60 $kubectl get serviceaccount default -n default

  if [ "$BRIDGES" = jvb ]; then start_jitsi "$node_bin"; else
    start bridge-emulator "$node_bin/node" "$root/e2e/emulator/main.ts" --kubeconfig "$dir/kubeconfig" \
      --control-address "127.0.0.1:$EMULATOR_PORT" \
      --stats-interval "${EMULATOR_STATS_INTERVAL:-1s}" --shutting-down-delay "${EMULATOR_SHUTTING_DOWN_DELAY:-2s}"
    wait_for bridge-emulator "bridge emulator /healthz" 30 curl -fsS --max-time 2 "http://127.0.0.1:$EMULATOR_PORT/healthz"
  fi

  trap - EXIT
  log "ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s: KUBECONFIG=$dir/kubeconfig, bridges: $BRIDGES"
}

down() {
  local name
  [ -f "$dir/env" ] && . "$dir/env"
  for name in jvb-runner jicofo prosody bridge-emulator kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$name"; done
  cleanup_jitsi
  rm -f "$record"
  rm -rf "$dir/etcd" "$dir/env" "$dir/kubeconfig" "$dir/pids" "$dir/jitsi" "$dir/jvb"
}

status() {
  local name bridges=emulator
  if [ -f "$dir/env" ]; then
    cat "$dir/env"
    bridges=$(sed -n 's/^BRIDGES=//p' "$dir/env")
  fi
  local parts=(bridge-emulator)
  [ "$bridges" = jvb ] && parts=(prosody jicofo jvb-runner)
  for name in etcd kube-apiserver kube-controller-manager kube-scheduler kwok "${parts[@]}"; do
    if running "$name"; then echo "$name: running (pid $(cat "$(pidfile "$name")"))"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
