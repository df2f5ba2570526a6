#!/usr/bin/env bash
# bench/scale.sh [ROUNDS]: how fast Gantry scales and heals, through the real launcher, engine and router.
#
#   scale 1→10  time from PATCH /formation (web 1→10) until the router's table holds 10 healthy instances
#   crash       time from SIGKILL of one instance's process until the router holds 10 instances again
#               (the dead one replaced by a new, healthy container)
#   scale 10→1  time until the router holds 1 instance
#
# The app is docs/examples/apps/procfile (python3's http.server), pushed with git like a user would. Gantry runs
# from a temporary data dir on random ports and is stopped (and everything it made removed) at the end. Needs
# root (containers), and `./gantry build` done before.
ROUNDS="${1:-3}"
source "$(dirname "$0")/lib/gantry-up.sh"

sample_repo procfile "$DATA/src"
( cd "$DATA/src" && git push -q "$REMOTE" main >/dev/null 2>&1 )

# How many instances the router's table holds for the app right now.
routed() {
  curl -s "http://127.0.0.1:$ADMIN/v1/routes" | python3 -c '
import json,sys
for a in json.load(sys.stdin)["apps"]:
    if a["app"] == "web.bench": print(len(a.get("instances", []))); break
else: print(0)'
}
wait_routed() { # N → waits until the router holds exactly N instances (bounded: 120 s)
  for _ in $(seq 1 2400); do [ "$(routed)" = "$1" ] && return 0; sleep 0.05; done
  echo "timed out waiting for $1 routed instances" >&2; return 1
}
scale() { curl "${T[@]}" -X PATCH -d "{\"web\":{\"quantity\":$1,\"size\":\"128M\"}}" "http://127.0.0.1:$API/api/apps/web/formation" >/dev/null; }

wait_routed 1
up=(); crash=(); down=()
for r in $(seq 1 "$ROUNDS"); do
  t0=$(now_ms); scale 10; wait_routed 10; up+=($(( $(now_ms) - t0 )))
  victim="$(curl "${T[@]}" "http://127.0.0.1:$API/api/apps/web/instances" | json 'd[0]["id"]')"
  t0=$(now_ms)
  GANTRY_ENGINE_STATE="$DATA/engine" "$ROOT/gantry" engine kill "$victim" KILL >/dev/null
  # the router first drops to 9, then holds 10 again once the replacement passed its health check
  for _ in $(seq 1 2400); do
    n="$(routed)"; ids="$(curl "${T[@]}" "http://127.0.0.1:$API/api/apps/web/instances" | json '" ".join(i.get("id") or "" for i in d)')"
    if [ "$n" = "10" ] && [[ " $ids " != *" $victim "* ]]; then break; fi
    sleep 0.05
  done
  crash+=($(( $(now_ms) - t0 )))
  t0=$(now_ms); scale 1; wait_routed 1; down+=($(( $(now_ms) - t0 )))
  echo "round $r: scale 1→10 ${up[-1]} ms, crash→replaced ${crash[-1]} ms, scale 10→1 ${down[-1]} ms"
done
echo
echo "median of $ROUNDS: scale 1→10 until the router holds 10: $(median "${up[@]}") ms;" \
     "crash until replaced and routed: $(median "${crash[@]}") ms; scale 10→1: $(median "${down[@]}") ms"
