#!/usr/bin/env bash
# make bench: wrk against a running release voxd (see bench/run.mjs).
set -eu
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk is not installed (make deps)"; exit 1; }
echo "machine: $(nproc) cores, $(uname -srm)"
VOXD="$PWD/build/voxd" node bench/run.mjs
# WebSocket fan-out: 1,000 sockets need more descriptors than the usual 1024 default.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
    ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi
VOXD="$PWD/build/voxd" node bench/ws-fanout.mjs
