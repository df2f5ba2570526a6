#!/usr/bin/env bash
# bench/kubernetes-scale.sh [NODES] [REPLICAS]: Gantry's Kubernetes backend at scale, next to kubectl on the same cluster.
#
# A real control plane (etcd, kube-apiserver, controller-manager, scheduler) with NODES kubemark hollow nodes
# (default 20; pods become Running and Ready without running anything) from scripts/kubernetes-cluster.sh. Gantry
# runs from a temporary data dir with that cluster configured; tenant "bench" is placed on it.
#
#   Gantry   PATCH /formation web=REPLICAS (default 500) until GET /instances shows every pod up, then web=0 until
#            none is left; the Kubernetes API requests Gantry made (its client counts them), and the platform JVM's
#            CPU time and peak memory (VmHWM) over the run.
#   (first, unmeasured: a warm-up Deployment of REPLICAS pods up and down, so neither side meets a cold cluster)
#   kubectl  the peer: the same Deployment (copied from Gantry's), `kubectl scale --replicas=REPLICAS` +
#            `kubectl rollout status` (a watch), then back to 0; its requests counted from `-v=6`.
#
# Needs root and the Kubernetes binaries (scripts/kubernetes-binaries.sh builds them once, ~10 min).
set -euo pipefail
NODES="${1:-20}"
REPLICAS="${2:-500}"
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="$("$HERE/../scripts/kubernetes-binaries.sh" --check)" || { echo "no Kubernetes binaries: run scripts/kubernetes-binaries.sh" >&2; exit 1; }
KUBECTL="$BIN/kubectl"

K8S="$(mktemp -d /tmp/gantry-k8s-bench-XXXXXX)"
echo "starting a control plane with $NODES hollow nodes in $K8S ..."
"$HERE/../scripts/kubernetes-cluster.sh" up "$K8S" --hollow-nodes "$NODES" >"$K8S/up.log" 2>&1 \
  || { cat "$K8S/up.log"; "$HERE/../scripts/kubernetes-cluster.sh" down "$K8S"; exit 1; }
export KUBECONFIG="$K8S/kubeconfig"
export GANTRY_KUBERNETES_KUBECONFIG="$KUBECONFIG" GANTRY_KUBERNETES_REGISTRY="127.0.0.1:5000" GANTRY_KUBERNETES_NAME=bench

source "$HERE/lib/gantry-up.sh"
trap 'gantry_cleanup; "$HERE/../scripts/kubernetes-cluster.sh" down "$K8S" >/dev/null 2>&1; rm -rf "$K8S"' EXIT

PLATFORM_PID="$(pgrep -P "$GANTRY_PID" -f quarkus-run.jar)"
cpu_seconds() { awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$PLATFORM_PID/stat"; }
peak_mb() { awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$PLATFORM_PID/status"; }
api_calls() { curl -s "http://127.0.0.1:$API/q/metrics" | awk '/^gantry_kubernetes_api_requests_total/ {printf "%d", $2}'; }

curl "${A[@]}" -X PATCH -d "{\"memory\":\"64G\",\"instances\":$((REPLICAS + 10)),\"cpus\":64}" \
  "http://127.0.0.1:$API/api/tenants/bench/quota" >/dev/null
curl "${A[@]}" -X PATCH -d '{"backend":"kubernetes"}' "http://127.0.0.1:$API/api/tenants/bench" >/dev/null
# Hollow nodes pull nothing: any registry reference will do.
curl "${T[@]}" -d "{\"image\":\"127.0.0.1:5000/bench/web@sha256:$(printf 'b%.0s' $(seq 1 64))\"}" \
  "http://127.0.0.1:$API/api/apps/web/releases" >/dev/null
scale() { curl "${T[@]}" -X PATCH -d "{\"web\":{\"quantity\":$1,\"size\":\"64M\",\"cpus\":\"0.01\"}}" \
  "http://127.0.0.1:$API/api/apps/web/formation" >/dev/null; }
count_up() { curl "${T[@]}" "http://127.0.0.1:$API/api/apps/web/instances" | json 'sum(1 for i in d if i["state"] == "up")'; }
count_all() { curl "${T[@]}" "http://127.0.0.1:$API/api/apps/web/instances" | json 'len(d)'; }
wait_for() { # CMD N: until CMD prints N (bounded: 15 min)
  for _ in $(seq 1 1800); do [ "$($1)" = "$2" ] && return 0; sleep 0.5; done
  echo "timed out waiting for $1 = $2" >&2; return 1
}

# Warm-up, measured for neither: the same number of pods up and down once, so that the scheduler, the controllers
# and the hollow nodes are as warm for Gantry (which goes first) as for kubectl.
echo "warm-up: $REPLICAS pods up and down once ..."
"$KUBECTL" create namespace warmup >/dev/null
"$KUBECTL" create deployment warm -n warmup --replicas="$REPLICAS" \
  --image="127.0.0.1:5000/warm@sha256:$(printf 'c%.0s' $(seq 1 64))" >/dev/null
"$KUBECTL" rollout status deployment/warm -n warmup --timeout=900s >/dev/null
"$KUBECTL" delete namespace warmup --wait=true --timeout=900s >/dev/null

calls0=$(api_calls); cpu0=$(cpu_seconds)
echo "gantry: scaling web to $REPLICAS ..."
t0=$(now_ms); scale "$REPLICAS"; wait_for count_up "$REPLICAS"; g_up=$(( $(now_ms) - t0 ))
echo "gantry: $REPLICAS up in $g_up ms; scaling to 0 ..."
t0=$(now_ms); scale 0; wait_for count_all 0; g_down=$(( $(now_ms) - t0 ))
echo "gantry: 0 left in $g_down ms"
g_calls=$(( $(api_calls) - calls0 )); g_cpu=$(awk -v a="$(cpu_seconds)" -v b="$cpu0" 'BEGIN {printf "%.1f", a - b}')
g_peak=$(peak_mb)

# The peer: kubectl on a copy of Gantry's Deployment in a namespace of its own.
"$KUBECTL" create namespace peer >/dev/null
# The same admission and kubelet work as Gantry's namespace: its ResourceQuota and LimitRange, and the app's
# config Secret (its pods read it through envFrom), copied.
for kind in resourcequota/gantry-quota limitrange/gantry-limits secret/web-config; do
  "$KUBECTL" get "$kind" -n gantry-bench -o json | python3 -c '
import json,sys
d=json.load(sys.stdin)
d["metadata"]={"name":d["metadata"]["name"],"namespace":"peer"}
d.pop("status",None)
print(json.dumps(d))' | "$KUBECTL" apply -f - >/dev/null
done
"$KUBECTL" get deployment web-web -n gantry-bench -o json | python3 -c '
import json,sys
d=json.load(sys.stdin)
d["metadata"]={"name":"peer","namespace":"peer"}
d.pop("status",None)
d["spec"]["replicas"]=0
print(json.dumps(d))' | "$KUBECTL" apply -f - >/dev/null
echo "kubectl: the same Deployment, scaled to $REPLICAS and back ..."
kube_calls() { grep -cE '(GET|PUT|PATCH|POST|DELETE) https' "$1" || true; }
t0=$(now_ms)
"$KUBECTL" -v=6 scale deployment/peer -n peer --replicas="$REPLICAS" >"$K8S/k-up.log" 2>&1
"$KUBECTL" -v=6 rollout status deployment/peer -n peer --timeout=900s >>"$K8S/k-up.log" 2>&1
k_up=$(( $(now_ms) - t0 ))
t0=$(now_ms)
"$KUBECTL" -v=6 scale deployment/peer -n peer --replicas=0 >"$K8S/k-down.log" 2>&1
for _ in $(seq 1 1800); do
  n=$("$KUBECTL" -v=6 get pods -n peer --no-headers 2>>"$K8S/k-down.log" | wc -l)
  [ "$n" = 0 ] && break; sleep 0.5
done
k_down=$(( $(now_ms) - t0 ))
k_calls=$(( $(kube_calls "$K8S/k-up.log") + $(kube_calls "$K8S/k-down.log") ))

echo
printf '%-8s %14s %14s %10s %12s %14s\n' "" "0→$REPLICAS ready" "$REPLICAS→0 gone" "API calls" "CPU time" "peak memory"
printf '%-8s %12d ms %12d ms %10d %10s s %11d MB\n' gantry "$g_up" "$g_down" "$g_calls" "$g_cpu" "$g_peak"
printf '%-8s %12d ms %12d ms %10d %12s %14s\n' kubectl "$k_up" "$k_down" "$k_calls" "-" "-"
echo "ratio gantry/kubectl: scale up $(awk -v a="$g_up" -v b="$k_up" 'BEGIN {printf "%.2f", a / b}')×," \
     "scale down $(awk -v a="$g_down" -v b="$k_down" 'BEGIN {printf "%.2f", a / b}')× ($NODES hollow nodes)"
