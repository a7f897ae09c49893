#!/usr/bin/env bash
# ThreadSanitizer run for the threaded parts of vox: builds libvox and the store, net and sfu
# unit tests with -fsanitize=thread into build-tsan/ and runs them (test_checkpoint drives the
# SQLite checkpointer thread while the main thread writes; test_mailbox posts from several
# threads; the sfu tests run media workers beside the control loop). Prints "N passed, N
# failed" and any TSan report; exits non-zero on a failed test or a report.
# Usage: scripts/tsan.sh [dir/test_name...]   (e.g. store/test_checkpoint)
set -u
cd "$(dirname "$0")/.."
B=${TSAN_BUILD:-build-tsan}
start=$(date +%s)

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in tests/unit/store/test_*.c tests/unit/net/test_*.c tests/unit/sfu/test_*.c; do
        [ -f "$f" ] || continue
        d=$(basename "$(dirname "$f")")
        names+=("$d/$(basename "$f" .c)")
    done
fi
targets=()
for n in "${names[@]}"; do targets+=("$B/tests/$n"); done

echo "== tsan: build (${B})"
if ! make -s -j2 BUILD="$B" OPT='-O1 -g' EXTRA_CFLAGS='-fsanitize=thread -fno-omit-frame-pointer' \
    LDFLAGS=-fsanitize=thread "${targets[@]}"; then
    echo "tsan: build failed"
    exit 2
fi

export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
passed=0
failed=0
reports=0
log=$(mktemp /tmp/vox-tsan-XXXXXX)
for t in "${targets[@]}"; do
    "$t" >"$log" 2>&1
    rc=$?
    # Kernels with high mmap entropy break older TSan runtimes; retry without ASLR.
    if grep -q 'ThreadSanitizer: unexpected memory mapping' "$log"; then
        setarch "$(uname -m)" -R "$t" >"$log" 2>&1
        rc=$?
    fi
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    r=$(grep -c '^WARNING: ThreadSanitizer' "$log")
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    reports=$((reports + r))
    echo "$(basename "$t"): passed=${p:-0} failed=${f:-0} tsan_reports=$r rc=$rc"
    if [ "$rc" -ne 0 ] || [ "$r" -ne 0 ]; then
        [ -z "$f" ] && failed=$((failed + 1))
        sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' "$log" | head -80
        [ "$r" -eq 0 ] && tail -30 "$log"
    fi
done
rm -f "$log"
echo "tsan: ${reports} report(s) in $(($(date +%s) - start))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$reports" -eq 0 ]
