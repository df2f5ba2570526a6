#!/usr/bin/env bash
# Idle memory of Gantry's control plane: starts `./gantry up` on a throw-away data directory, sends a bounded
# burst of API calls and of requests through the router, waits for it to settle, and prints the proportional set
# size (PSS: shared pages split fairly between processes) of the platform JVM, the router JVM and the
# PostgreSQL processes. Run by hand, not in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18090}
REQUESTS=${REQUESTS:-500}
SETTLE=${SETTLE:-20}
data=$(mktemp -d /tmp/gantry-bench-idle-XXXX)
log="$data/gantry-up.log"

./gantry build >/dev/null
GANTRY_DATA_DIR="$data" GANTRY_API_PORT="$PORT" GANTRY_NO_BUILD=1 GANTRY_ROUTER_HTTP_PORT=$((PORT + 1)) \
  GANTRY_ROUTER_HTTPS_PORT=$((PORT + 2)) GANTRY_ROUTER_ADMIN_PORT=$((PORT + 3)) GANTRY_SSH_PORT=$((PORT + 4)) ./gantry up >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 90); do
  if [ -f "$data/admin-token" ] && curl -sf "http://127.0.0.1:$PORT/q/health" >/dev/null; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 1
done
token=$(cat "$data/admin-token")

for i in $(seq 1 "$REQUESTS"); do
  curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/tenants"
  curl -s -o /dev/null -H "Host: nothing.here.localhost" "http://127.0.0.1:$((PORT + 1))/"
  if [ $((i % 50)) -eq 0 ]; then
    curl -s -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"name\":\"bench-$i\"}" "http://127.0.0.1:$PORT/api/tenants"
  fi
done
sleep "$SETTLE"

pss() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }
platform=$(pss "$(pgrep -P "$pid" -f quarkus-run.jar)")
router=$(pss "$(pgrep -P "$pid" -f dev.gantry.router.RouterMain)")
pg_pids=$(pgrep -x postgres -P "$(cat "$data/postgres/pgdata/postmaster.pid" | head -1)" 2>/dev/null || true)
pg=$(pss "$(head -1 "$data/postgres/pgdata/postmaster.pid")")
for p in $pg_pids; do pg=$((pg + $(pss "$p"))); done

printf 'platform JVM  %6d MB PSS\n' $((platform / 1024))
printf 'router JVM    %6d MB PSS\n' $((router / 1024))
printf 'PostgreSQL    %6d MB PSS (postmaster + %d children)\n' $((pg / 1024)) "$(echo "$pg_pids" | wc -w)"
printf 'together      %6d MB PSS (goal for platform + router + database: under 250 MB)\n' $(((platform + router + pg) / 1024))
