# Sourced by benchmarks: starts Gantry from a temporary data dir on random ports, makes tenant "bench" with an
# app "web", and removes everything (containers first) on exit. Needs root and `./gantry build` done before.
# Sets: ROOT DATA API HTTP ADMIN ADMIN_TOKEN TOKEN, and the helpers below.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ "$(id -u)" -eq 0 ] || { echo "$0 needs root (it runs containers)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

DATA="$(mktemp -d /tmp/gantry-bench-XXXXXX)"
API=$(free_port); HTTP=$(free_port); ADMIN=$(free_port)
export GANTRY_DATA_DIR="$DATA" GANTRY_API_PORT=$API GANTRY_ROUTER_HTTP_PORT=$HTTP \
       GANTRY_ROUTER_HTTPS_PORT=$(free_port) GANTRY_ROUTER_ADMIN_PORT=$ADMIN GANTRY_SSH_PORT=$(free_port) GANTRY_NO_BUILD=1
"$ROOT/gantry" up > "$DATA/gantry.log" 2>&1 &
GANTRY_PID=$!
ADMIN_TOKEN=""
TOKEN=""

gantry_cleanup() {
  if [ -n "$ADMIN_TOKEN" ]; then
    curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$API/api/tenants/bench" || true
    for _ in $(seq 1 100); do
      [ -z "$(GANTRY_ENGINE_STATE="$DATA/engine" "$ROOT/gantry" engine list 2>/dev/null | tail -n +2)" ] && break
      sleep 0.3
    done
  fi
  # TERM, not INT: a background job of a non-interactive shell starts with SIGINT ignored, and cannot trap it
  kill -TERM "$GANTRY_PID" 2>/dev/null || true
  wait "$GANTRY_PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap gantry_cleanup EXIT

for _ in $(seq 1 240); do
  curl -fs "http://127.0.0.1:$API/q/health" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$ADMIN/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
ADMIN_TOKEN="$(cat "$DATA/admin-token")"
A=(-s -H "Authorization: Bearer $ADMIN_TOKEN" -H "Content-Type: application/json")
TOKEN="$(curl "${A[@]}" -d '{"name":"bench"}' "http://127.0.0.1:$API/api/tenants" | json 'd["token"]')"
curl "${A[@]}" -X PATCH -d '{"memory":"4G","instances":20,"cpus":4}' "http://127.0.0.1:$API/api/tenants/bench/quota" >/dev/null
T=(-s -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json")
curl "${T[@]}" -d '{"name":"web"}' "http://127.0.0.1:$API/api/apps" >/dev/null
REMOTE="http://x:$TOKEN@127.0.0.1:$API/git/bench/web.git"

# A sample app as its own repository: sample_repo node DIR
sample_repo() {
  cp -r "$ROOT/docs/examples/apps/$1" "$2"
  ( cd "$2" && git init -q -b main && git add . && git -c user.name=bench -c user.email=bench@gantry.invalid commit -qm app )
}
# GET through the router with the app's host name; prints the body (empty on failure).
app_get() { curl -fs -H "Host: web.bench.localhost" "http://127.0.0.1:$HTTP/" 2>/dev/null || true; }
