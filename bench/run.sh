#!/usr/bin/env bash
# make bench: wrk against a running release voxd (see bench/run.mjs).
set -eu
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk is not installed (make deps)"; exit 1; }
echo "machine: $(nproc) cores, $(uname -srm)"
VOXD="$PWD/build/voxd" node bench/run.mjs
