#!/usr/bin/env bash
# Builds the controller-runtime secret mirror (main.go) once into a cache outside the repository, keyed by the hash
# of its sources and the Go version, and prints the binary's path on stdout; a warm run costs nothing.
#
#   test/bench/controller-runtime-mirror/build.sh
#
# Modules come from the Go module proxy, verified against the committed go.sum (-mod=readonly). Progress: stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v go >/dev/null || { echo "[bench] go is required to build the controller-runtime contender (none on PATH)" >&2; exit 1; }
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=readonly"
key=$( (cat "$here/go.mod" "$here/go.sum" "$here/main.go"; go env GOVERSION) | sha256sum | cut -c1-12)
dir=${XDG_CACHE_HOME:-$HOME/.cache}/spoke/bench/controller-runtime-mirror-$key
binary=$dir/controller-runtime-mirror
if [[ -x $binary ]]; then printf '%s\n' "$binary"; exit 0; fi

mkdir -p "$dir"
start=$SECONDS
echo "[bench] building the controller-runtime mirror into $dir (downloading modules on first use)..." >&2
# A temp file moved in place: an interrupted build never leaves a truncated binary that a later run would reuse.
(cd "$here" && go build -trimpath -o "$dir/.controller-runtime-mirror.tmp" .)
mv -f "$dir/.controller-runtime-mirror.tmp" "$binary"
echo "[bench] built in $((SECONDS - start))s" >&2
printf '%s\n' "$binary"
