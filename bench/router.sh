#!/usr/bin/env bash
# Compares Gantry's router with nginx and HAProxy as reverse proxies in front of the same origin,
# each with host-based routing and keep-alive to the origin, using wrk at 1, 50 and 200 connections.
# Runs alternate between proxies after a warm-up, so drifting machine load hits all three alike.
# Besides requests/s and latency, it prints the CPU time each proxy spent per request: on a machine the proxy
# shares with wrk and the origin, that is what decides throughput, and it is steadier than req/s under noise.
# Not run in CI. Usage: bench/router.sh   (env: SECONDS_PER_RUN=10 ROUNDS=3 CONNECTIONS="1 50 200" WARMUP_SECONDS=15)
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
# Every proxy gets the same warm-up; the JVM needs it to compile its hot paths (a router is long-lived).
WARMUP_SECONDS=${WARMUP_SECONDS:-15}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-"1 50 200"}
THREADS=${THREADS:-2}
HOST=web.acme.localhost
ORIGIN_PORT=19100 GANTRY_PORT=19000 GANTRY_ADMIN=19001 NGINX_PORT=19200 HAPROXY_PORT=19300
WORK=$(mktemp -d /tmp/gantry-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

need=()
for tool in nginx haproxy wrk; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  pkgs=(); for t in "${need[@]}"; do [ "$t" = nginx ] && pkgs+=(nginx-light) || pkgs+=("$t"); done
  $SUDO apt-get install -y -q "${pkgs[@]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# Every port must be free: a stray server left on one would silently stand in for the one started here.
for port in $ORIGIN_PORT $GANTRY_PORT $GANTRY_ADMIN $NGINX_PORT $HAPROXY_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use; stop what listens there (ss -ltnp 'sport = :$port') and run again" >&2; exit 1
  fi
done

./mvnw -B -q -pl router package -DskipTests

# The origin: nginx answering a small fixed body, two workers, keep-alive.
mkdir -p "$WORK/origin" "$WORK/proxy"
cat > "$WORK/origin/nginx.conf" <<CONF
worker_processes 1; pid $WORK/origin/nginx.pid; error_log $WORK/origin/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$ORIGIN_PORT; location / { return 200 "hello from the origin\n"; } } }
CONF
"$NGINX" -c "$WORK/origin/nginx.conf" -g 'daemon off;' & PIDS+=($!)

# Gantry's router, with the JVM options `./gantry up` gives it (override: ROUTER_JAVA_OPTS).
ROUTER_JAVA_OPTS=${ROUTER_JAVA_OPTS:-"$(grep '^DEFAULT_ROUTER_JAVA_OPTS=' gantry | cut -d'"' -f2) -XX:TrimNativeHeapInterval=5000"}
GANTRY_ROUTER_HTTP_PORT=$GANTRY_PORT GANTRY_ROUTER_HTTPS_PORT=-1 GANTRY_ROUTER_ADMIN_PORT=$GANTRY_ADMIN \
GANTRY_ROUTER_STATE="$WORK/gantry" GANTRY_ROUTER_ACCESS_LOG=off GANTRY_ROUTER_EVENT_LOOPS=$(nproc) \
  java $ROUTER_JAVA_OPTS -cp "router/target/router-0.1.0-SNAPSHOT.jar:router/target/lib/*" \
  dev.gantry.router.RouterMain > "$WORK/gantry.log" 2>&1 & PIDS+=($!); GANTRY_PID=$!

# nginx as a proxy: host routing by server_name, upstream keep-alive.
cat > "$WORK/proxy/nginx.conf" <<CONF
worker_processes auto; pid $WORK/proxy/nginx.pid; error_log $WORK/proxy/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream app { server 127.0.0.1:$ORIGIN_PORT; keepalive 256; }
  server { listen 127.0.0.1:$NGINX_PORT default_server; return 404; }
  server { listen 127.0.0.1:$NGINX_PORT; server_name $HOST;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } } }
CONF
"$NGINX" -c "$WORK/proxy/nginx.conf" -g 'daemon off;' & PIDS+=($!); NGINX_PID=$!

# HAProxy: host ACL, connection reuse to the origin.
cat > "$WORK/haproxy.cfg" <<CONF
global
  nbthread $(nproc)
  maxconn 4000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option forwardfor
  http-reuse always
frontend web
  bind 127.0.0.1:$HAPROXY_PORT
  acl is_app hdr(host) -i $HOST
  use_backend app if is_app
backend app
  server o1 127.0.0.1:$ORIGIN_PORT
CONF
haproxy -f "$WORK/haproxy.cfg" -db > "$WORK/haproxy.log" 2>&1 & PIDS+=($!); HAPROXY_PID=$!

for i in $(seq 100); do
  curl -sf "http://127.0.0.1:$GANTRY_ADMIN/healthz" >/dev/null 2>&1 && break; sleep 0.2
done
curl -sf -X PUT "http://127.0.0.1:$GANTRY_ADMIN/v1/routes" -d "{\"version\":1,\"apps\":[{\"app\":\"web.acme\",
  \"instances\":[{\"host\":\"127.0.0.1\",\"port\":$ORIGIN_PORT}]}]}" >/dev/null
for p in $GANTRY_PORT $NGINX_PORT $HAPROXY_PORT; do
  for i in $(seq 50); do curl -sf -o /dev/null -H "Host: $HOST" "http://127.0.0.1:$p/" && break; sleep 0.2; done
  body=$(curl -sf -H "Host: $HOST" "http://127.0.0.1:$p/") || { echo "proxy on $p does not answer"; exit 1; }
  [ "$body" = "hello from the origin" ] || { echo "proxy on $p answered: $body"; exit 1; }
done

declare -A PORT=([gantry]=$GANTRY_PORT [nginx]=$NGINX_PORT [haproxy]=$HAPROXY_PORT)
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); print v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v }
               else if (v ~ /s$/) { sub(/s$/,"",v); print v*1000 } }' <<<"$1"; }
declare -A PROXY_PID=([gantry]=$GANTRY_PID [nginx]=$NGINX_PID [haproxy]=$HAPROXY_PID)
# CPU ticks (1/100 s) used so far by a proxy's processes (nginx's workers are its master's children).
cpu_ticks() {
  local t=0 q
  for q in "$1" $(pgrep -P "$1" || true); do t=$((t + $(awk '{print $14 + $15}' "/proc/$q/stat"))); done
  echo "$t"
}
run() { # proxy connections seconds -> "rps p50ms p99ms cpu-us-per-request"
  local before after; before=$(cpu_ticks "${PROXY_PID[$1]}")
  local out; out=$(wrk -t"$THREADS" -c"$2" -d"$3"s --latency -H "Host: $HOST" "http://127.0.0.1:${PORT[$1]}/")
  after=$(cpu_ticks "${PROXY_PID[$1]}")
  local rps p50 p99 n
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$rps $p50 $p99 $(awk -v t=$((after - before)) -v n="$n" 'BEGIN { printf "%.1f", t * 10000 / n }')"
}

echo "warming up..."
for p in gantry nginx haproxy; do run $p 50 "$WARMUP_SECONDS" >/dev/null; done

declare -A RES
for c in $CONNECTIONS; do
  t=$([ "$THREADS" -gt "$c" ] && echo "$c" || echo "$THREADS")
  for r in $(seq "$ROUNDS"); do
    for p in gantry nginx haproxy; do
      THREADS_SAVED=$THREADS; THREADS=$t
      RES[$p,$c,$r]=$(run $p "$c" "$SECONDS_PER_RUN")
      THREADS=$THREADS_SAVED
      echo "  c=$c round $r $p: ${RES[$p,$c,$r]}"
    done
  done
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo
printf "%-6s %-8s %12s %10s %10s %14s\n" conns proxy "req/s" "p50 ms" "p99 ms" "CPU us/req"
for c in $CONNECTIONS; do
  declare -A M=()
  for p in gantry nginx haproxy; do
    for k in 1 2 3 4; do
      M[$p,$k]=$(for r in $(seq "$ROUNDS"); do awk -v k=$k '{print $k}' <<<"${RES[$p,$c,$r]}"; done | median)
    done
    printf "%-6s %-8s %12.0f %10.3f %10.3f %14.1f\n" "$c" "$p" "${M[$p,1]}" "${M[$p,2]}" "${M[$p,3]}" "${M[$p,4]}"
  done
  awk -v g="${M[gantry,1]}" -v n="${M[nginx,1]}" -v h="${M[haproxy,1]}" -v gp="${M[gantry,3]}" \
      -v np="${M[nginx,3]}" -v hp="${M[haproxy,3]}" -v c="$c" \
      'BEGIN { printf "%-6s throughput gantry/nginx %.2f, gantry/haproxy %.2f; p99 gantry/nginx %.2f, gantry/haproxy %.2f\n", c, g/n, g/h, gp/np, gp/hp }'
done
