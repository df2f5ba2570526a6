#!/usr/bin/env bash
# Build benchmark (by hand, not in CI): the sample apps of docs/examples/apps built through Gantry (build
# container, buildpacks, slug, image) vs the same toolchain commands run directly on the host (npm ci,
# mvn package, python3 -m venv), each with a cold cache (empty) and a warm one (the cache of the previous
# build), printing medians and the overhead ratio. Needs root; uses the network for the cold builds.
#   bench/build.sh [WARM_RUNS=5] [APPS="node maven python static"]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
APPS=${2:-node maven python static}
[ "$(id -u)" = 0 ] || { echo "bench/build.sh: needs root" >&2; exit 1; }
for c in node npm mvn /usr/bin/python3; do
  command -v "$c" >/dev/null || { echo "bench/build.sh: $c missing (see .ci/run for the apt packages)" >&2; exit 1; }
done
if [ ! -d buildpacks/target/classes ] || [ ! -d buildpacks/target/lib ]; then
  ./mvnw -B -q -pl container-engine,buildpacks -am -DskipTests install
fi
CP="buildpacks/target/classes:buildpacks/target/lib/*"
exec java -cp "$CP" bench/BuildBench.java "$RUNS" "$APPS"
