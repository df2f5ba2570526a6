#!/usr/bin/env bash
# bench/kubernetes.sh: the Kubernetes backend's two benchmarks, one after the other.
#   bench/kubernetes-scale.sh  20 kubemark hollow nodes: one app 0→500→0 by Gantry, next to `kubectl scale`
#   bench/kubernetes-push.sh   a real node: `git push` to serving for the Node.js sample, local engine vs the node
# NODES, REPLICAS and ROUNDS override their defaults (20, 500, 3). Needs root, the Kubernetes binaries
# (scripts/kubernetes-binaries.sh) and, for the push part, the Debian Node.js stack (see kubernetes-push.sh).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
"$HERE/kubernetes-scale.sh" "${NODES:-20}" "${REPLICAS:-500}"
echo
"$HERE/kubernetes-push.sh" "${ROUNDS:-3}"
