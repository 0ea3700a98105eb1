#!/usr/bin/env bash
# Builds the simulated cluster's binaries (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)
# from the Go module proxy into a versioned cache outside any project, and prints that directory on stdout.
# Shipped with @spoke/envtest; `spoke envtest use` and the Spoke repository's `make control-plane` run it.
#
#   build.sh                          # build what is missing of the full set, print the assets directory
#   build.sh etcd kube-apiserver      # only these (what `nodes: 0` needs), print the directory
#   SPOKE_ASSETS=/some/dir build.sh   # use (and fill) that directory instead of the user cache
#   build.sh --print-dir              # only print where the binaries are (or would be) kept
#
# A complete set is reused as it is, so a warm run costs nothing. Versions are pinned in versions.env; module
# hashes in the go.sum files beside it. Progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

# The cache key: only the versions, so every copy of these files (the package, the repository) shares one cache.
set_id="k8s-${KUBERNETES_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
assets=${SPOKE_ASSETS:-${XDG_CACHE_HOME:-$HOME/.cache}/spoke/control-plane/$set_id}
if [[ ${1:-} == --print-dir ]]; then printf '%s\n' "$assets"; exit 0; fi

all=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
if (($# > 0)); then binaries=("$@"); else binaries=("${all[@]}"); fi
for b in "${binaries[@]}"; do
  [[ " ${all[*]} " == *" $b "* ]] || { printf 'build.sh: unknown binary %s (one of: %s)\n' "$b" "${all[*]}" >&2; exit 2; }
done

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

# Building needs a Go toolchain at least as new as the go.mod files ask for; say what to do instead of failing
# half-way through a download.
go_required=$(awk '$1 == "go" { print $2; exit }' "$here/kubernetes/go.mod")
no_go() {
  log "$1"
  log "to build ${binaries[*]} into $assets:"
  log "  install Go $go_required or newer (https://go.dev/dl/), put it on PATH, and run this again"
  log "or use binaries from elsewhere: SPOKE_ASSETS=<dir with all five>, or, for tests without simulated nodes,"
  log "  KUBEBUILDER_ASSETS=\$(setup-envtest use -p path) (etcd and kube-apiserver)"
  exit 1
}
command -v go >/dev/null || no_go "Go is needed to build the control plane, and there is none on PATH"
go_version=$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || true)
go_version=${go_version#go}
if [[ -z $go_version ]] || [[ $(printf '%s\n%s\n' "$go_required" "$go_version" | sort -V | head -1) != "$go_required" ]]; then
  no_go "Go ${go_version:-of unknown version} is too old to build the control plane: it needs Go $go_required or newer"
fi

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
  [[ " ${binaries[*]} " == *" $name "* ]] || return 0
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
