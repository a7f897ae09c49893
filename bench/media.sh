#!/usr/bin/env bash
# Media plane benchmark: for each scenario, a fresh release voxd with one media worker pinned
# to core 0 (`taskset -c 0`), a temporary data dir and an admin token, and vox-bench pinned
# to core 1, measuring voxd's CPU and memory from /proc (see tools/vox-bench, --help).
#
#   bench/media.sh                 every scenario below, once each
#   bench/media.sh sl200 stage     only those (sl200 sl1000 sl2000 meeting stage)
#
# MEDIA_SECONDS (20) is each window; MEDIA_JSON=1 prints the reports as JSON; MEDIA_PERF=1
# records voxd with `perf record -g` for 10 s of the 2,000-listener window into
# build/perf-media.data. VOXD_CPU and BENCH_CPU choose the cores (0 and 1).
set -u
cd "$(dirname "$0")/.."
VOXD="$PWD/build/voxd"
BENCH="$PWD/build/vox-bench"
SECS="${MEDIA_SECONDS:-20}"
VOXD_CPU="${VOXD_CPU:-0}"
BENCH_CPU="${BENCH_CPU:-1}"
ADMIN="media-bench-admin-$$-$RANDOM$RANDOM"
for bin in "$VOXD" "$BENCH"; do
    [ -x "$bin" ] || { echo "bench/media.sh: $bin is missing (make all)"; exit 1; }
done
command -v curl >/dev/null || { echo "bench/media.sh: curl is not installed (make deps)"; exit 1; }
# 2,000 listeners hold 2,000 WebSockets in voxd and a socket pair each in vox-bench.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 16384 ]; then
    ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi

free_port() {
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})' 2>/dev/null ||
        echo $((20000 + RANDOM % 20000))
}

# One scenario: voxd up, vox-bench against it, voxd down. Arguments go to vox-bench.
run() {
    local name="$1"
    shift
    local dir port pid status=0
    dir="$(mktemp -d /tmp/vox-media-XXXXXX)"
    port="$(free_port)"
    taskset -c "$VOXD_CPU" "$VOXD" --listen "127.0.0.1:$port" --data-dir "$dir" \
        --admin-token "$ADMIN" --media-workers 1 --rtc-port 0 --log-level warn \
        >"$dir/voxd.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    echo
    echo "== $name: voxd pid $pid on core $VOXD_CPU (--media-workers 1), vox-bench on core $BENCH_CPU"
    echo "\$ taskset -c $BENCH_CPU build/vox-bench --url http://127.0.0.1:$port --admin-token \$ADMIN --voxd-pid $pid $*"
    local perf_pid=""
    if [ "${MEDIA_PERF:-0}" = 1 ] && [ "$name" = sl2000 ]; then
        # The joins and the warm-up take about 10 s: this samples 10 s inside the window, at
        # 999 Hz, from the generator's core so that voxd's keeps only voxd.
        (sleep 15 && taskset -c "$BENCH_CPU" perf record -F 999 -e cpu-clock -g -p "$pid" \
            -o "$PWD/build/perf-media.data" -- sleep 10 >/dev/null 2>&1) &
        perf_pid=$!
    fi
    timeout 120 taskset -c "$BENCH_CPU" "$BENCH" --url "http://127.0.0.1:$port" \
        --admin-token "$ADMIN" --voxd-pid "$pid" ${MEDIA_JSON:+--json} --quiet "$@" || status=$?
    if [ -n "$perf_pid" ]; then
        wait "$perf_pid"
        echo "-- perf record -g of voxd for 10 s in the window (build/perf-media.data):"
        perf report -i "$PWD/build/perf-media.data" --no-children --sort dso --stdio 2>/dev/null |
            grep -E '^ +[0-9]' | head -8
        perf report -i "$PWD/build/perf-media.data" --no-children --sort sym --stdio -g none \
            2>/dev/null | grep -E '^ +[0-9]' | head -15
    fi
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if [ "$status" -ne 0 ]; then
        echo "($name: vox-bench exited $status; voxd's log: $dir/voxd.log)"
        tail -5 "$dir/voxd.log"
    else
        rm -rf "$dir"
    fi
    return "$status"
}

echo "machine: $(nproc) cores, $(uname -srm), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
cases="${*:-sl200 sl1000 sl2000 meeting stage}"
failed=0
for c in $cases; do
    case "$c" in
    sl200) run sl200 --scenario speaker-listeners -n 200 --seconds "$SECS" ;;
    sl1000) run sl1000 --scenario speaker-listeners -n 1000 --seconds "$SECS" ;;
    # A room holds 1,000: 2,000 listeners are two rooms with a speaker each, on the one worker.
    sl2000) run sl2000 --scenario speaker-listeners -n 2000 --seconds "$SECS" ;;
    # voxd offers a subscriber at most 16 tracks: 10 people's 18 never all arrive, so the join
    # phase is cut at 10 s rather than waiting for them.
    meeting) run meeting --scenario meeting -n 10 --seconds "$SECS" --join-timeout 10 ;;
    # A stage room holds 1,000 participants, speakers included: 997 listeners fill it. One
    # speaker talks, two are silent (Opus DTX: a frame per 400 ms), as on a real stage.
    stage) run stage --scenario stage -n 997 --speakers 3 --seconds 10 ;;
    *) echo "bench/media.sh: unknown case $c (sl200 sl1000 sl2000 meeting stage)"; failed=1; continue ;;
    esac
    [ $? -eq 0 ] || failed=1
done
exit "$failed"
