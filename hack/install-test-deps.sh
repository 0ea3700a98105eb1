#!/usr/bin/env bash
# Installs the system programs the tests run for real, when missing: memcached and nutcracker (twemproxy) for the
# data-path test, openssl for @spoke/envtest's certificates. As root with apt-get it installs them; otherwise it
# says what to install and fails, rather than letting a test fail later with less to go on.
set -euo pipefail
missing=()
for bin in memcached nutcracker openssl; do command -v "$bin" >/dev/null || missing+=("$bin"); done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "[test-deps] installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "[test-deps] missing ${missing[*]}: install them (Debian: sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
