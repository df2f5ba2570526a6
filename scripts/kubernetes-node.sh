#!/usr/bin/env bash
# A real Kubernetes node on this machine, for the end-to-end test of the Kubernetes backend: kubelet + containerd
# + runc + the CNI bridge plugin, and Debian's docker-registry for the images, all on loopback or on a bridge of
# its own (gtk8s0, pods in 10.244.0.0/24 — not Gantry's 10.88.0.0/16), so this machine (Gantry's router) reaches
# pod addresses directly. Joins a control plane made by scripts/kubernetes-cluster.sh.
#
#   scripts/kubernetes-node.sh up DIR --kubeconfig K    prints "registry 127.0.0.1:PORT" and "pods 10.244.0.0/24"
#   scripts/kubernetes-node.sh down DIR                 stops what DIR/pids names, removes what up made
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cmd="${1:-}"; DIR="${2:-}"
[ -n "$cmd" ] && [ -n "$DIR" ] || { echo "usage: $0 up DIR --kubeconfig K | down DIR" >&2; exit 2; }
shift 2
KUBECONFIG_FILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kubeconfig) KUBECONFIG_FILE="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
BRIDGE=gtk8s0
POD_SUBNET=10.244.0.0/24
RUN=/run/gantry-k8s-containerd

log() { echo "kubernetes-node: $*" >&2; }
# shellcheck source=lib/processes.sh
source "$HERE/lib/processes.sh"
sha() { sha256sum "$1" | cut -d' ' -f1; }

# The pause container of every pod, as a one-layer OCI image written by hand (our own few lines of C: it
# sleeps, reaps children, and exits on SIGINT/SIGTERM).
pause_image() {
  local w="$DIR/pause"; mkdir -p "$w/rootfs" "$w/oci/blobs/sha256"
  cat >"$w/pause.c" <<'C'
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
static void reap(int s) { (void) s; while (waitpid(-1, 0, WNOHANG) > 0) {} }
static void quit(int s) { (void) s; _exit(0); }
int main(void) {
    signal(SIGINT, quit);
    signal(SIGTERM, quit);
    signal(SIGCHLD, reap);
    for (;;) pause();
}
C
  gcc -Os -static -o "$w/rootfs/pause" "$w/pause.c"
  tar --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$w/rootfs" -cf "$w/layer.tar" pause
  local layer; layer=$(sha "$w/layer.tar"); cp "$w/layer.tar" "$w/oci/blobs/sha256/$layer"
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$layer" >"$w/config.json"
  local config; config=$(sha "$w/config.json"); cp "$w/config.json" "$w/oci/blobs/sha256/$config"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
    "$config" "$(stat -c %s "$w/config.json")" "$layer" "$(stat -c %s "$w/layer.tar")" >"$w/manifest.json"
  local manifest; manifest=$(sha "$w/manifest.json"); cp "$w/manifest.json" "$w/oci/blobs/sha256/$manifest"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"3.6"}}]}' \
    "$manifest" "$(stat -c %s "$w/manifest.json")" >"$w/oci/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$w/oci/oci-layout"
  skopeo copy --quiet --dest-tls-verify=false "oci:$w/oci:3.6" "docker://$REGISTRY/pause:3.6"
}

up() {
  [ -n "$KUBECONFIG_FILE" ] || { log "--kubeconfig is required"; exit 2; }
  BIN="$("$HERE/kubernetes-binaries.sh" --check)" || { log "no Kubernetes binaries: run scripts/kubernetes-binaries.sh"; exit 1; }
  local need=()
  for p in containerd runc containernetworking-plugins docker-registry skopeo gcc libc6-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
  done
  if [ "${#need[@]}" -gt 0 ]; then
    log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2
  fi
  mkdir -p "$DIR" "$RUN"
  DIR="$(cd "$DIR" && pwd)"
  : >"$DIR/pids"
  REGISTRY="127.0.0.1:${GANTRY_K8S_REGISTRY_PORT:-$(free_port)}"
  echo "REGISTRY=$REGISTRY" >"$DIR/env"

  mkdir -p "$DIR/registry"
  printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n' \
    "$DIR/registry" "$REGISTRY" >"$DIR/registry.yml"
  spawn docker-registry docker-registry serve "$DIR/registry.yml"
  for _ in $(seq 1 50); do curl -fs "http://$REGISTRY/v2/" >/dev/null && break; sleep 0.1; done
  pause_image

  mkdir -p "$DIR/cni" "$DIR/cni-ipam"
  cat >"$DIR/cni/10-gantry-k8s.conflist" <<JSON
{"cniVersion": "0.4.0", "name": "gantry-k8s", "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_SUBNET"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$DIR/cni-ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
JSON
  cat >"$DIR/containerd.toml" <<TOML
version = 2
root = "$DIR/containerd"
state = "$RUN/state"
[grpc]
  address = "$RUN/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$REGISTRY/pause:3.6"
  # this machine gives no CAP_SYS_RESOURCE: without it runc fails ("can't get final child's PID from pipe")
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$DIR/cni"
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."$REGISTRY"]
    endpoint = ["http://$REGISTRY"]
TOML
  spawn containerd containerd --config "$DIR/containerd.toml"
  for _ in $(seq 1 100); do [ -S "$RUN/containerd.sock" ] && break; sleep 0.1; done

  local port; port=$(free_port)
  cat >"$DIR/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $port
readOnlyPort: 0
healthzPort: 0
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
failSwapOn: false
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
YAML
  spawn kubelet "$BIN/kubelet" --kubeconfig="$KUBECONFIG_FILE" --config="$DIR/kubelet.yaml" \
    --container-runtime=remote --container-runtime-endpoint="unix://$RUN/containerd.sock" \
    --root-dir="$DIR/kubelet" --cert-dir="$DIR/kubelet-certs" --hostname-override=localhost
  for _ in $(seq 1 240); do
    "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" get node localhost --no-headers 2>/dev/null | grep -q ' Ready ' && break
    sleep 0.5
  done
  "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" get node localhost --no-headers 2>/dev/null | grep -q ' Ready ' \
    || { log "the node did not become Ready; see $DIR/kubelet.log"; tail -20 "$DIR/kubelet.log" >&2; exit 1; }
  log "node localhost Ready; registry $REGISTRY; pods in $POD_SUBNET on $BRIDGE"
  echo "registry $REGISTRY"
  echo "pods $POD_SUBNET"
}

down() {
  [ -d "$DIR" ] || return 0
  DIR="$(cd "$DIR" && pwd)"
  # kubelet first (it would restart pods), then the pods' containers, then containerd and the registry
  if [ -f "$DIR/pids" ]; then
    stop_pid "$(pid_of kubelet)"
  fi
  if [ -S "$RUN/containerd.sock" ]; then
    for c in $(ctr --address "$RUN/containerd.sock" -n k8s.io tasks list -q 2>/dev/null); do
      ctr --address "$RUN/containerd.sock" -n k8s.io tasks kill -s KILL "$c" >/dev/null 2>&1 || true
    done
    sleep 1
  fi
  if [ -f "$DIR/pids" ]; then
    tac "$DIR/pids" | while read -r _ pid; do stop_pid "$pid"; done
    rm -f "$DIR/pids"
  fi
  # containerd-shim processes of this containerd (its state dir is ours alone)
  for pid in $(pgrep -f "containerd-shim.*-address $RUN/containerd.sock" || true); do stop_pid "$pid"; done
  { grep -E " ($DIR|$RUN)[/ ]" /proc/mounts || true; } | awk '{print $2}' | sort -r \
    | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  # pod network namespaces containerd left (named cni-<uuid>; no other containerd runs here) and their veths
  for ns in $(ip netns list 2>/dev/null | awk '/^cni-/ {print $1}'); do ip netns delete "$ns" 2>/dev/null || true; done
  rm -f /var/lib/cni/results/gantry-k8s-* /var/lib/cni/results/cni-loopback-*
  ip link del "$BRIDGE" 2>/dev/null || true
  for c in /sys/fs/cgroup/*/kubepods; do
    [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  rm -rf "$RUN"
}

case "$cmd" in
  up) up ;;
  down) down ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
