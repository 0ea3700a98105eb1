#!/usr/bin/env bash
# Builds the simulated cluster's binaries (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)
# from the Go module proxy into a versioned cache outside the repository, and prints that directory on stdout.
#
#   hack/control-plane/build.sh            # build what is missing, print the assets directory
#   SPOKE_ASSETS=/some/dir hack/control-plane/build.sh   # use (and fill) that directory instead
#   hack/control-plane/build.sh --print-dir  # only print where the binaries are (or would be) kept
#
# A complete set is reused as it is, so a warm run costs nothing. Versions are pinned in versions.env; module
# hashes in the go.sum files beside it. Progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

set_id="k8s-${KUBERNETES_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
assets=${SPOKE_ASSETS:-${XDG_CACHE_HOME:-$HOME/.cache}/spoke/control-plane/$set_id}
if [[ ${1:-} == --print-dir ]]; then printf '%s\n' "$assets"; exit 0; fi
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { printf '[control-plane] %s\n' "$*" >&2; }

complete() {
  local b
  for b in "${binaries[@]}"; do [[ -x "$assets/$b" ]] || return 1; done
}

if complete; then
  log "reusing $set_id in $assets"
  printf '%s\n' "$assets"
  exit 0
fi

command -v go >/dev/null || { log "go is required to build the control plane (none on PATH)"; exit 1; }
mkdir -p "$assets"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="${GOFLAGS:--buildvcs=false} -mod=readonly"

# Kubernetes binaries report the pinned release, not v0.0.0-master, so version-skew checks behave as in a cluster.
minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

# build <binary> <module dir> <package> <ldflags>: builds into a temp file, then moves it in place, so an
# interrupted build never leaves a truncated binary that a later run would take as complete.
build() {
  local name=$1 dir=$2 pkg=$3 ldflags=$4 start
  if [[ -x "$assets/$name" ]]; then log "$name: present"; return; fi
  start=$SECONDS
  log "$name: building $pkg (downloading modules on first use)..."
  (cd "$here/$dir" && go build -trimpath -ldflags "$ldflags" -o "$assets/.$name.tmp" "$pkg")
  mv -f "$assets/.$name.tmp" "$assets/$name"
  local size
  size=$(du -h "$assets/$name" | cut -f1)
  log "$name: built in $((SECONDS - start))s, $size"
}

total=$SECONDS
build etcd kubernetes go.etcd.io/etcd/server/v3 "-s -w"
build kube-apiserver kubernetes k8s.io/kubernetes/cmd/kube-apiserver "$k8s_ldflags"
build kube-controller-manager kubernetes k8s.io/kubernetes/cmd/kube-controller-manager "$k8s_ldflags"
build kube-scheduler kubernetes k8s.io/kubernetes/cmd/kube-scheduler "$k8s_ldflags"
build kwok kwok sigs.k8s.io/kwok/cmd/kwok "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}"
total_size=$(du -sh "$assets" | cut -f1)
log "control plane $set_id ready in $assets after $((SECONDS - total))s, $total_size"
printf '%s\n' "$assets"
