#!/usr/bin/env bash
# Builds the Kubernetes binaries the Kubernetes backend's tests run against (a real API server, not a mock):
# kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kubemark and kubectl, from Debian's own
# `kubernetes` source package (upstream v1.20.2; nothing prebuilt is reachable from this kind of machine).
#
# The binaries are cached outside the work tree, keyed by the Debian source version, so only the first run on a
# machine pays for the build (about 10 minutes on 2 cores; see docs/performance.md). Prints the bin directory.
#
#   scripts/kubernetes-binaries.sh            build if missing, print the directory
#   scripts/kubernetes-binaries.sh --check    print the directory if it is complete, else exit 1
set -euo pipefail

SOURCE_VERSION="1.20.5+really1.20.2"
UPSTREAM="kubernetes-1.20.2"
CACHE="${GANTRY_K8S_CACHE:-/var/cache/gantry/kubernetes}"
OUT="$CACHE/$SOURCE_VERSION/bin"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubemark kubectl)

complete() {
  for b in "${BINARIES[@]}"; do [ -x "$OUT/$b" ] || return 1; done
}

if complete; then echo "$OUT"; exit 0; fi
[ "${1:-}" = "--check" ] && exit 1
[ "$(id -u)" -eq 0 ] || { echo "kubernetes-binaries: root is needed to install the build tools" >&2; exit 1; }

log() { echo "kubernetes-binaries: $*" >&2; }
export DEBIAN_FRONTEND=noninteractive

# Debian's source for bookworm main, on the same mirror as the machine's own entry.
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  log "adding a deb-src entry for bookworm main ($mirror)"
  cat > /etc/apt/sources.list.d/gantry-k8s-src.sources <<SOURCES
Types: deb-src
URIs: $mirror
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  apt-get update -q >&2
fi
need=()
for p in golang-go rsync jq etcd-server dpkg-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

work="$CACHE/$SOURCE_VERSION/src"
mkdir -p "$work"
cd "$work"
if ! [ -d "$UPSTREAM" ]; then
  log "fetching Debian's kubernetes source ($SOURCE_VERSION)"
  apt-get source --download-only kubernetes >&2
  tar xzf "kubernetes_${SOURCE_VERSION}.orig.tar.gz" || {
    log "Debian's kubernetes source is no longer $SOURCE_VERSION: $(ls kubernetes_*.orig.tar.gz 2>/dev/null)"; exit 1; }
fi
cd "$UPSTREAM"
# GOPATH mode, as debian/rules does; providerless drops the cloud providers (half the build).
log "building ${BINARIES[*]} (about 10 minutes on 2 cores, once per machine)"
start=$(date +%s)
CGO_ENABLED=0 GOFLAGS=-tags=providerless make GOLDFLAGS="-s -w" \
  WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler cmd/kubemark cmd/kubelet cmd/kubectl" >&2
mkdir -p "$OUT"
for b in "${BINARIES[@]}"; do cp "_output/bin/$b" "$OUT/$b"; done
log "built in $(( $(date +%s) - start )) s"
# The sources and Go's build cache are 3+ GB; the binaries are all the tests need.
cd "$CACHE/$SOURCE_VERSION" && rm -rf src
go clean -cache >/dev/null 2>&1 || true
complete
echo "$OUT"
