#!/usr/bin/env bash
# A real Kubernetes control plane on loopback, for the Kubernetes backend's tests and bench/kubernetes.sh:
# etcd + kube-apiserver + kube-controller-manager + kube-scheduler (+ N kubemark hollow nodes), v1.20.2 from
# scripts/kubernetes-binaries.sh. Not a mock: the same API server, admission, controllers and scheduler as a
# real cluster; hollow nodes report pods Running/Ready without running them (send them no traffic).
#
#   scripts/kubernetes-cluster.sh up DIR [--hollow-nodes N]   writes DIR/kubeconfig (admin), DIR/kubeconfig-gantry
#                                                            (user "gantry", no rights until bound), DIR/pids, logs
#   scripts/kubernetes-cluster.sh down DIR                    stops what DIR/pids names, nothing else
#   scripts/kubernetes-cluster.sh restart-apiserver DIR       (tests: the API server gone and back)
#   scripts/kubernetes-cluster.sh stop-apiserver DIR
#
# Ports are free ones picked at start (DIR/ports). Start-up takes ~10 s (docs/kubernetes.md).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cmd="${1:-}"; DIR="${2:-}"
[ -n "$cmd" ] && [ -n "$DIR" ] || { echo "usage: $0 up|down|stop-apiserver|restart-apiserver DIR [--hollow-nodes N]" >&2; exit 2; }
shift 2
NODES=1
while [ $# -gt 0 ]; do
  case "$1" in
    --hollow-nodes) NODES="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

log() { echo "kubernetes-cluster: $*" >&2; }
# shellcheck source=lib/processes.sh
source "$HERE/lib/processes.sh"

start_apiserver() {
  # shellcheck disable=SC1091
  source "$DIR/ports"
  spawn kube-apiserver "$BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --secure-port="$API_PORT" --advertise-address=127.0.0.1 \
    --endpoint-reconciler-type=none --cert-dir="$DIR/certs" --token-auth-file="$DIR/tokens.csv" \
    --authorization-mode=Node,RBAC --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$DIR/sa.pub" --service-account-signing-key-file="$DIR/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --max-requests-inflight=800 --max-mutating-requests-inflight=400
}

wait_apiserver() {
  for _ in $(seq 1 120); do
    "$BIN/kubectl" --kubeconfig "$DIR/kubeconfig" get --raw /readyz >/dev/null 2>&1 && return 0
    kill -0 "$(pid_of kube-apiserver)" 2>/dev/null || { tail -20 "$DIR/kube-apiserver.log" >&2; return 1; }
    sleep 0.5
  done
  log "the API server did not become ready in 60 s"; tail -20 "$DIR/kube-apiserver.log" >&2; return 1
}

up() {
  BIN="$("$HERE/kubernetes-binaries.sh" --check)" || { log "no Kubernetes binaries: run scripts/kubernetes-binaries.sh"; exit 1; }
  command -v etcd >/dev/null || { log "etcd is missing (apt-get install etcd-server)"; exit 1; }
  mkdir -p "$DIR"
  DIR="$(cd "$DIR" && pwd)"
  : >"$DIR/pids"
  cat >"$DIR/ports" <<PORTS
ETCD_PORT=$(free_port)
ETCD_PEER_PORT=$(free_port)
API_PORT=$(free_port)
PORTS
  echo "BIN=$BIN" >>"$DIR/ports"
  # shellcheck disable=SC1091
  source "$DIR/ports"
  openssl genrsa -out "$DIR/sa.key" 2048 2>/dev/null
  openssl rsa -in "$DIR/sa.key" -pubout -out "$DIR/sa.pub" 2>/dev/null
  TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  # admin, and "gantry": a user with no rights until something binds a role to it (the RBAC test binds the
  # ClusterRole docs/kubernetes.md lists)
  GANTRY_TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  printf '%s,admin,admin,system:masters\n%s,gantry,gantry\n' "$TOKEN" "$GANTRY_TOKEN" >"$DIR/tokens.csv"
  for user in admin gantry; do
    token="$TOKEN"; file="$DIR/kubeconfig"
    [ "$user" = gantry ] && { token="$GANTRY_TOKEN"; file="$DIR/kubeconfig-gantry"; }
    cat >"$file" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters: [{name: gantry-test, cluster: {server: "https://127.0.0.1:$API_PORT", insecure-skip-tls-verify: true}}]
users: [{name: $user, user: {token: $token}}]
contexts: [{name: gantry-test, context: {cluster: gantry-test, user: $user}}]
current-context: gantry-test
KUBECONFIG
  done
  spawn etcd etcd --name gantry-test --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "gantry-test=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync
  # A free port picked a moment ago can be taken meanwhile (by any process's outgoing connection): if the API
  # server could not bind it, pick another and try again.
  for attempt in 1 2 3; do
    start_apiserver
    wait_apiserver && break
    if [ "$attempt" = 3 ] || ! grep -q "address already in use" "$DIR/kube-apiserver.log"; then exit 1; fi
    new_port="$(free_port)"
    log "port $API_PORT was taken before the API server bound it; trying $new_port"
    sed -i "s/^API_PORT=.*/API_PORT=$new_port/" "$DIR/ports"
    sed -i "s/127.0.0.1:$API_PORT\"/127.0.0.1:$new_port\"/" "$DIR/kubeconfig" "$DIR/kubeconfig-gantry"
    API_PORT="$new_port"
  done
  # --port=0 / --secure-port=0: no health or metrics listeners of their own (nothing to collide with)
  spawn kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig="$DIR/kubeconfig" --leader-elect=false \
    --port=0 --secure-port=0 --service-account-private-key-file="$DIR/sa.key" --use-service-account-credentials=false \
    --controllers='*,-bootstrapsigner,-tokencleaner' \
    --kube-api-qps=200 --kube-api-burst=400 --concurrent-deployment-syncs=10 --concurrent-replicaset-syncs=10
  spawn kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$DIR/kubeconfig" --leader-elect=false --port=0 \
    --secure-port=0 --kube-api-qps=200 --kube-api-burst=400
  for n in $(seq 1 "$NODES"); do
    spawn "hollow-$n" "$BIN/kubemark" --morph=kubelet --name="hollow-$n" --kubeconfig="$DIR/kubeconfig" \
      --kubelet-port="$(free_port)" --kubelet-read-only-port=0 --node-labels=gantry.dev/hollow=true
  done
  for _ in $(seq 1 240); do
    ready=$("$BIN/kubectl" --kubeconfig "$DIR/kubeconfig" get nodes --no-headers 2>/dev/null | grep -c ' Ready ' || true)
    [ "$ready" -ge "$NODES" ] && break
    sleep 0.5
  done
  [ "${ready:-0}" -ge "$NODES" ] || { log "only ${ready:-0} of $NODES hollow nodes became Ready"; exit 1; }
  # The default ServiceAccount must exist before pods can be created in a namespace (the controller makes it).
  log "ready: https://127.0.0.1:$API_PORT, $NODES hollow node(s), kubeconfig $DIR/kubeconfig"
  echo "$DIR/kubeconfig"
}

down() {
  [ -f "$DIR/pids" ] || return 0
  # hollow nodes and controllers first, etcd last
  tac "$DIR/pids" | while read -r name pid; do stop_pid "$pid"; done
  rm -f "$DIR/pids"
}

case "$cmd" in
  up) up ;;
  down) down ;;
  stop-apiserver) stop_pid "$(pid_of kube-apiserver)" ;;
  restart-apiserver)
    stop_pid "$(pid_of kube-apiserver)"
    # shellcheck disable=SC1091
    source "$DIR/ports"
    start_apiserver
    wait_apiserver ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
