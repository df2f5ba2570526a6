#!/usr/bin/env bash
# Engine benchmark (by hand, not in CI): start-to-exit latency of /bin/true in one busybox
# bundle, Gantry (in-process API and CLI) vs crun vs runc, alternating, and memory per idle
# container. Needs root, gcc, busybox-static; crun and runc are used when installed.
#   bench/engine.sh [RUNS=30] [IDLE=100]   (0 skips that part)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
IDLE=${2:-100}
[ "$(id -u)" = 0 ] || { echo "bench/engine.sh: needs root" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "bench/engine.sh: apt-get install busybox-static" >&2; exit 1; }
if [ -d /sys/fs/cgroup/unified ] && ! [ -e /sys/fs/cgroup/hugetlb/cgroup.procs ] && command -v crun >/dev/null; then
  echo "note: crun 1.8.1 needs the v1 hugetlb hierarchy on this hybrid layout:" >&2
  echo "  mkdir -p /sys/fs/cgroup/hugetlb && mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb" >&2
  exit 1
fi
JAR=container-engine/target/container-engine-0.1.0-SNAPSHOT.jar
if [ ! -f "$JAR" ] || [ ! -d container-engine/target/lib ]; then
  ./mvnw -B -q -pl container-engine -DskipTests package
fi
CP="$JAR:container-engine/target/lib/*"
exec java -cp "$CP" bench/EngineBench.java "$RUNS" "$IDLE" "$CP"
