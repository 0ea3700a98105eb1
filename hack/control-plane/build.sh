#!/usr/bin/env bash
# The control plane's build now ships with @spoke/envtest (packages/envtest/control-plane/): this wrapper keeps
# `make control-plane`, `make run` and muscle memory working. Same arguments, same cache directory.
#   hack/control-plane/build.sh [--print-dir | binary...]
set -euo pipefail
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/packages/envtest/control-plane/build.sh" "$@"
