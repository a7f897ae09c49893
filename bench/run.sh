#!/usr/bin/env bash
# make bench: wrk against a running release voxd (bench/run.mjs), the WebSocket fan-out
# (bench/ws-fanout.mjs) and the media plane (bench/media.sh, tools/vox-bench).
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
# The media plane (tools/vox-bench). The 2,000-listener case is left out by default: it
# overloads one worker today (docs/PERFORMANCE.md); MEDIA_CASES="sl2000" runs it.
# shellcheck disable=SC2086 # a list of case names
bash bench/media.sh ${MEDIA_CASES:-sl200 sl1000 meeting stage} || echo "bench: a media case failed (see above)"
