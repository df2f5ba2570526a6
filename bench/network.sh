#!/usr/bin/env bash
# Network benchmark (by hand, not in CI): (1) the time a tenant network adds to `create`
# (with vs without, alternating), (2) req/s and p50/p99 from the host to an HTTP server inside a
# Gantry container (veth + bridge + nftables) vs the same server on host loopback, with wrk in
# alternating rounds after a warm-up, for two servers: bench/tinyhttpd.c (keep-alive, so the network
# path dominates) and busybox httpd (a fork per connection). Needs root, gcc, busybox-static,
# nftables; installs wrk.
#   bench/network.sh [RUNS=30] [ROUNDS=3] [DURATION=10s] [CONNECTIONS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
ROUNDS=${2:-3}
DURATION=${3:-10s}
CONNECTIONS=${4:-10}
[ "$(id -u)" = 0 ] || { echo "bench/network.sh: needs root" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "bench/network.sh: apt-get install busybox-static" >&2; exit 1; }
need=()
for tool in wrk nft ip nsenter; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
  pkgs=(); for t in "${need[@]}"; do case $t in nft) pkgs+=(nftables);; ip) pkgs+=(iproute2);; nsenter) pkgs+=(util-linux);; *) pkgs+=("$t");; esac; done
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}"
fi
JAR=container-engine/target/container-engine-0.1.0-SNAPSHOT.jar
if [ ! -f "$JAR" ] || [ ! -d container-engine/target/lib ]; then
  ./mvnw -B -q -pl container-engine -DskipTests package
fi
CP="$JAR:container-engine/target/lib/*"
TINY=$(mktemp /tmp/gantry-tinyhttpd.XXXXXX)
trap 'rm -f "$TINY"' EXIT
gcc -static -O2 -o "$TINY" bench/tinyhttpd.c
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Dbench.tinyhttpd="$TINY" -Dgantry.engine.shim=container-engine/target/gantry-shim -cp "$CP" bench/NetworkBench.java "$RUNS" "$ROUNDS" "$DURATION" "$CONNECTIONS"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
