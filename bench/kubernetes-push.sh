#!/usr/bin/env bash
# bench/kubernetes-push.sh [ROUNDS]: `git push` to serving of the Node.js sample (docs/examples/apps/node), on the
# local engine and on a real Kubernetes node, from the same Gantry in the same run.
#
# A control plane (scripts/kubernetes-cluster.sh) and one real node (scripts/kubernetes-node.sh: kubelet,
# containerd, runc, the CNI bridge, docker-registry). Gantry builds on the Debian stack with Node.js (a Kubernetes
# image must carry its stack), so both apps build the same way; "web" stays on the local engine, "kube" is placed
# on the cluster. Each push is timed from `git push` until the router answers with the new version:
#   cold  the first push (for kube: the stack layer, ~500 MB, is exported, pushed to the registry and pulled)
#   warm  ROUNDS (default 3) redeploys of a changed greeting, alternating local and kube; medians
#
# Needs root, the Kubernetes binaries (scripts/kubernetes-binaries.sh) and the stack:
#   GANTRY_DATA_DIR=/var/cache/gantry/stack-data ./gantry stack build bookworm --packages bash,ca-certificates,nodejs,npm
# (STACK=path overrides where it is looked for).
set -euo pipefail
ROUNDS="${1:-3}"
HERE="$(cd "$(dirname "$0")" && pwd)"
STACK="${STACK:-/var/cache/gantry/stack-data/stacks/bookworm}"
[ -x "$STACK/usr/bin/node" ] || { echo "no Debian stack with Node.js at $STACK (see the header of $0)" >&2; exit 1; }
"$HERE/../scripts/kubernetes-binaries.sh" --check >/dev/null \
  || { echo "no Kubernetes binaries: run scripts/kubernetes-binaries.sh" >&2; exit 1; }

K8S="$(mktemp -d /tmp/gantry-k8s-push-XXXXXX)"
k8s_down() {
  "$HERE/../scripts/kubernetes-node.sh" down "$K8S/node" >/dev/null 2>&1 || true
  "$HERE/../scripts/kubernetes-cluster.sh" down "$K8S/cp" >/dev/null 2>&1 || true
  rm -rf "$K8S"
}
echo "starting a control plane and a real node in $K8S ..."
"$HERE/../scripts/kubernetes-cluster.sh" up "$K8S/cp" --hollow-nodes 0 >"$K8S/cp.log" 2>&1 \
  || { cat "$K8S/cp.log"; k8s_down; exit 1; }
"$HERE/../scripts/kubernetes-node.sh" up "$K8S/node" --kubeconfig "$K8S/cp/kubeconfig" >"$K8S/node.log" 2>&1 \
  || { tail -20 "$K8S/node.log"; k8s_down; exit 1; }
REGISTRY="$(awk '$1 == "registry" {print $2}' "$K8S/node.log")"
export GANTRY_KUBERNETES_KUBECONFIG="$K8S/cp/kubeconfig" GANTRY_KUBERNETES_REGISTRY="$REGISTRY/gantry" \
       GANTRY_KUBERNETES_NAME=bench-node GANTRY_BUILDS_STACK="$STACK"

source "$HERE/lib/gantry-up.sh"
trap 'gantry_cleanup; k8s_down' EXIT

curl "${T[@]}" -d '{"name":"kube"}' "http://127.0.0.1:$API/api/apps" >/dev/null
curl "${T[@]}" -X PATCH -d '{"backend":"kubernetes"}' "http://127.0.0.1:$API/api/apps/kube" \
  | grep -q '"kubernetes"' || { echo "could not place app kube on the cluster" >&2; exit 1; }

# GET through the router as app $1; prints the body (empty on failure).
get_app() { curl -fs -H "Host: $1.bench.localhost" "http://127.0.0.1:$HTTP/" 2>/dev/null || true; }
# push_until_served APP DIR TEXT: pushes DIR to APP, waits (10 min at most) until it serves TEXT; prints ms.
push_until_served() {
  local t0; t0=$(now_ms)
  ( cd "$2" && git push -q "http://x:$TOKEN@127.0.0.1:$API/git/bench/$1.git" main >/dev/null 2>&1 ) \
    || { echo "the push to $1 failed" >&2; exit 1; }
  for _ in $(seq 1 30000); do
    case "$(get_app "$1")" in *"$3"*) echo $(( $(now_ms) - t0 )); return 0 ;; esac
    sleep 0.02
  done
  echo "$1 did not serve '$3' after the push" >&2; exit 1
}
change() { # DIR ROUND
  sed -i "s/hello from node[^:]*:/hello from node (round $2):/" "$1/server.js"
  ( cd "$1" && git -c user.name=bench -c user.email=bench@gantry.invalid commit -qam "round $2" )
}

sample_repo node "$DATA/web"; sample_repo node "$DATA/kube"
local_cold=$(push_until_served web "$DATA/web" "hello from node")
echo "cold: local engine $local_cold ms"
kube_cold=$(push_until_served kube "$DATA/kube" "hello from node")
echo "cold: Kubernetes node $kube_cold ms"
lw=(); kw=()
for r in $(seq 1 "$ROUNDS"); do
  change "$DATA/web" "$r"; change "$DATA/kube" "$r"
  if [ $((r % 2)) = 1 ]; then
    lw+=($(push_until_served web "$DATA/web" "round $r")); kw+=($(push_until_served kube "$DATA/kube" "round $r"))
  else
    kw+=($(push_until_served kube "$DATA/kube" "round $r")); lw+=($(push_until_served web "$DATA/web" "round $r"))
  fi
  echo "round $r: warm redeploy on the local engine ${lw[-1]} ms, on the Kubernetes node ${kw[-1]} ms"
done
lm=$(median "${lw[@]}"); km=$(median "${kw[@]}")
echo
printf '%-16s %10s %18s\n' "push → serving" "cold" "warm (median of $ROUNDS)"
printf '%-16s %7d ms %15d ms\n' "local engine" "$local_cold" "$lm"
printf '%-16s %7d ms %15d ms\n' "Kubernetes node" "$kube_cold" "$km"
printf 'ratio Kubernetes/local: cold %.2f×, warm %.2f×\n' "$(python3 -c "print($kube_cold / $local_cold)")" \
  "$(python3 -c "print($km / $lm)")"
