#!/usr/bin/env bash
# bench/deploy.sh [ROUNDS]: `git push` to the first successful response, for the Node.js sample
# (docs/examples/apps/node, one npm dependency), through Gantry (build container, image, release, health-checked
# rollout, router) — next to the same work done directly on the host: `npm ci`, then `node server.js` until it
# answers. Cold = empty build cache / npm cache; warm = a redeploy of a changed app with the cache from before.
# The goal: a warm redeploy under 5 s end to end. Needs root and `./gantry build` done before.
ROUNDS="${1:-3}"
source "$(dirname "$0")/lib/gantry-up.sh"

# Pushes the repo in $1 and waits until the router serves a body containing $2; prints the milliseconds.
push_until_served() {
  local t0; t0=$(now_ms)
  ( cd "$1" && git push -q "$REMOTE" main >/dev/null 2>&1 ) || { echo "push failed" >&2; exit 1; }
  for _ in $(seq 1 6000); do
    case "$(app_get)" in *"$2"*) echo $(( $(now_ms) - t0 )); return 0 ;; esac
    sleep 0.02
  done
  echo "not served after the push" >&2; exit 1
}
# Direct on the host: npm ci with the given npm cache, then node until it answers; prints the milliseconds.
host_run() {
  local dir="$1" cache="$2" port; port=$(free_port)
  rm -rf "$dir/node_modules"
  local t0; t0=$(now_ms)
  ( cd "$dir" && npm ci --cache "$cache" --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null \
    && (npm run --if-present build >/dev/null) )
  ( cd "$dir" && PORT=$port exec node server.js >/dev/null 2>&1 ) &
  local pid=$!
  for _ in $(seq 1 3000); do curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.01; done
  echo $(( $(now_ms) - t0 ))
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
}

APP="$DATA/app"; sample_repo node "$APP"
HOSTAPP="$DATA/host-app"; cp -r "$ROOT/docs/examples/apps/node" "$HOSTAPP"; NPM_CACHE="$DATA/npm-cache"

gantry_cold=$(push_until_served "$APP" "hello from node")
host_cold=$(host_run "$HOSTAPP" "$NPM_CACHE")
gw=(); hw=()
for r in $(seq 1 "$ROUNDS"); do
  sed -i "s/hello from node[^:]*:/hello from node (round $r):/" "$APP/server.js"
  ( cd "$APP" && git -c user.name=bench -c user.email=bench@gantry.invalid commit -qam "round $r" )
  gw+=($(push_until_served "$APP" "round $r"))
  hw+=($(host_run "$HOSTAPP" "$NPM_CACHE"))
  echo "round $r: warm redeploy through Gantry ${gw[-1]} ms, npm ci + node on the host ${hw[-1]} ms"
done
gm=$(median "${gw[@]}"); hm=$(median "${hw[@]}")
echo
printf 'cold: Gantry %d ms, host %d ms, ratio %.2f\n' "$gantry_cold" "$host_cold" "$(python3 -c "print($gantry_cold / $host_cold)")"
printf 'warm (median of %d): Gantry %d ms, host %d ms, ratio %.2f, platform overhead %d ms; goal < 5000 ms: %s\n' \
  "$ROUNDS" "$gm" "$hm" "$(python3 -c "print($gm / $hm)")" "$((gm - hm))" "$([ "$gm" -lt 5000 ] && echo met || echo missed)"
