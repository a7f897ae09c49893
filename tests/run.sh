#!/usr/bin/env bash
# The whole test suite, twice: a normal -O2 build, then an ASan+UBSan build. Each suite
# (unit binaries, fuzz corpus replays, the format check, integration tests against the real
# voxd) adds to one tally, printed last as "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
# The malformed-traffic test (tests/chaos) runs with a fixed seed and a bounded time, so a run
# is repeatable; make soak runs it for ten minutes with other seeds.
export CHAOS_SEED=${CHAOS_SEED:-20261208} CHAOS_SECONDS=${CHAOS_SECONDS:-8}
failures=()

count() { # name ok(0|1)
    if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}

run_unit() { # build dir
    local b=$1
    for t in "$b"/tests/*/test_*; do
        [ -x "$t" ] || continue
        local out
        out=$("$t" 2>&1)
        local rc=$?
        local p f
        p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
        f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
        passed=$((passed + ${p:-0}))
        failed=$((failed + ${f:-0}))
        if [ $rc -ne 0 ]; then
            [ -z "$f" ] && failed=$((failed + 1))
            failures+=("$t")
            printf '%s\n' "$out" | tail -30
        fi
    done
}

run_fuzz_replay() { # build dir
    local b=$1
    for f in "$b"/fuzz/*; do
        [ -x "$f" ] || continue
        local name
        name=$(basename "$f")
        if "$f" "fuzz/corpus/$name" >/tmp/vox-fuzz-$$.log 2>&1; then
            count "fuzz:$name" 0
        else
            count "fuzz:$name($b)" 1
            tail -20 /tmp/vox-fuzz-$$.log
        fi
    done
    rm -f /tmp/vox-fuzz-$$.log
}

run_node() { # label voxd-binary [suite dir under tests/, default integration]
    local label=$1 bin=$2 dir=${3:-integration}
    local files
    files=$(ls tests/$dir/*.test.mjs 2>/dev/null)
    [ -n "$files" ] || return 0
    local log=/tmp/vox-it-$$.log
    local conc=""
    node --help 2>/dev/null | grep -q -- --test-concurrency && conc="--test-concurrency=2"
    VOXD="$bin" node --test $conc $files >"$log" 2>&1
    local p f
    p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$log" | tail -1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "${f:-0}" -ne 0 ] || [ -z "$p" ]; then
        [ -z "$p" ] && failed=$((failed + 1))
        failures+=("$dir($label)")
        grep -B2 -A30 '^not ok\|# Subtest.*\n.*not ok' "$log" | head -150
    fi
    echo "$dir($label): pass=${p:-0} fail=${f:-0}"
    rm -f "$log"
}

suite() { # label make-args...
    local label=$1
    shift
    echo "== $label: build"
    if ! make -s -j2 "$@" all unit fuzz-bins; then
        count "build($label)" 1
        return
    fi
    count "build($label)" 0
    local b=build
    for a in "$@"; do case $a in BUILD=*) b=${a#BUILD=} ;; esac; done
    echo "== $label: unit"
    run_unit "$b"
    echo "== $label: fuzz corpus replay"
    run_fuzz_replay "$b"
    echo "== $label: integration"
    run_node "$label" "$PWD/$b/voxd"
    echo "== $label: websocket"
    if [ -d node_modules/ws ]; then
        run_node "$label" "$PWD/$b/voxd" ws
    else
        echo "ws: node_modules/ws is missing (make deps runs npm ci)"
        count "ws($label): node_modules missing" 1
    fi
    echo "== $label: chaos (seed $CHAOS_SEED, ${CHAOS_SECONDS} s)"
    run_node "$label" "$PWD/$b/voxd" chaos
    if [ "$label" = release ]; then
        echo "== $label: browser"
        run_browser "$PWD/$b/voxd"
    fi
}

run_browser() { # voxd-binary; tests/browser/run.sh prints "browser: skipped: why" or node:test totals
    local log=/tmp/vox-br-$$.log
    VOXD="$1" tests/browser/run.sh >"$log" 2>&1
    local rc=$?
    if grep -q '^browser: skipped:' "$log"; then
        grep '^browser: skipped:' "$log"
        rm -f "$log"
        return 0
    fi
    local p f
    p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$log" | tail -1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ $rc -ne 0 ] || [ "${f:-0}" -ne 0 ] || [ -z "$p" ]; then
        [ -z "$p" ] && failed=$((failed + 1))
        failures+=("browser")
        tail -80 "$log"
    fi
    echo "browser: pass=${p:-0} fail=${f:-0}"
    rm -f "$log"
}

echo "== format check"
if make -s format-check >/tmp/vox-fmt-$$.log 2>&1; then count format 0; else
    count format 1
    head -20 /tmp/vox-fmt-$$.log
fi
rm -f /tmp/vox-fmt-$$.log

suite release
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
suite sanitize BUILD=build-asan SAN=1 OPT="-O1 -g"

# ThreadSanitizer over the store tests: the checkpointer thread is the only other thread.
echo "== tsan: store"
tsan_out=$(bash scripts/tsan.sh 2>&1)
tsan_line=$(printf '%s\n' "$tsan_out" | tail -1)
if [[ $tsan_line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    if [ "${BASH_REMATCH[2]}" -ne 0 ] || ! grep -q '^tsan: 0 report' <<<"$tsan_out"; then
        count "tsan: reports" 1
        printf '%s\n' "$tsan_out" | tail -30
    fi
else
    count tsan 1
    printf '%s\n' "$tsan_out" | tail -30
fi

if [ ${#failures[@]} -gt 0 ]; then
    echo "failures: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
