#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds every fuzz/<name>.c (except driver.c) as a libFuzzer binary build-fuzz/<name>,
# linked against src/**/*.c minus src/main.c compiled with the same clang flags.
#
#   FUZZ_SRC="src/auth src/core"  library sources to use instead (files or directories)
#   RUN_SECONDS=60                then run each target that long on a copy of its corpus
#   FUZZ_ARGS="-max_len=16384"    extra libFuzzer flags for those runs
#   FUZZ_WERROR=0                 keep going on warnings (clang warns on some things gcc
#                                 does not; the gcc build stays the lint gate)
#   FUZZ_CC, FUZZ_OUT             compiler (clang) and output directory (build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."

CC=${FUZZ_CC:-clang}
OUT=${FUZZ_OUT:-build-fuzz}
WARN="-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
      -Wimplicit-fallthrough"
[ "${FUZZ_WERROR:-1}" = 0 ] || WARN="$WARN -Werror"
CFLAGS="-std=gnu11 $WARN -D_GNU_SOURCE -Isrc -g -O1 -fno-omit-frame-pointer
        -fsanitize=address,undefined -fno-sanitize-recover=undefined"
LIBS="$(pkg-config --libs libuv jansson sqlite3 libssl libcrypto zlib libsrtp2 2>/dev/null ||
        echo -ljansson -lcrypto -lz -lsrtp2) -lhttp_parser -lwslay -lpthread -lm"

# Library sources. `make` does not export its own FUZZ_SRC (the list of fuzz/*.c), but an
# inherited one would name the targets themselves; fuzz/ is never library code.
lib_src=()
for p in ${FUZZ_SRC:-src}; do
    case $p in fuzz/* | ./fuzz/*) continue ;; esac
    if [ -d "$p" ]; then
        while IFS= read -r f; do lib_src+=("$f"); done < <(find "$p" -name '*.c' | sort)
    elif [ -f "$p" ]; then
        lib_src+=("$p")
    else
        echo "build-libfuzzer: no such source: $p" >&2
        exit 1
    fi
done

targets=()
for f in fuzz/*.c; do
    [ "$f" = fuzz/driver.c ] || targets+=("$(basename "$f" .c)")
done
if [ ${#targets[@]} -eq 0 ]; then
    echo "build-libfuzzer: no targets in fuzz/"
    exit 0
fi

mkdir -p "$OUT/obj"
export CC CFLAGS OUT
objs=()
for f in "${lib_src[@]}"; do
    [ "$f" = src/main.c ] || [ "$f" = ./src/main.c ] || objs+=("$OUT/obj/${f%.c}.o")
done
# Compile in parallel; fuzzer-no-link instruments without pulling in libFuzzer's main.
# shellcheck disable=SC2016 # the inner script expands $1, $OUT, $CC itself
printf '%s\n' "${lib_src[@]}" | grep -v -x -e src/main.c -e ./src/main.c |
    xargs -r -P "$(nproc)" -n 1 sh -c \
        'o="$OUT/obj/${1%.c}.o"; mkdir -p "$(dirname "$o")" &&
         $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$1" -o "$o"' _ || {
    echo "build-libfuzzer: library sources failed to compile (FUZZ_WERROR=0 keeps going on" \
        "warnings; FUZZ_SRC narrows the sources)" >&2
    exit 1
}
rm -f "$OUT/libvox-fuzz.a"
if [ ${#objs[@]} -gt 0 ]; then
    ar rcs "$OUT/libvox-fuzz.a" "${objs[@]}"
else
    ar rcs "$OUT/libvox-fuzz.a"
fi

for t in "${targets[@]}"; do
    # shellcheck disable=SC2086 # CFLAGS and LIBS are word lists
    $CC $CFLAGS -fsanitize=fuzzer "fuzz/$t.c" "$OUT/libvox-fuzz.a" $LIBS -o "$OUT/$t"
    echo "build-libfuzzer: built $OUT/$t"
done

[ -n "${RUN_SECONDS:-}" ] || exit 0

failed=()
for t in "${targets[@]}"; do
    work="$OUT/corpus/$t"
    rm -rf "$work" && mkdir -p "$work" "$OUT/artifacts/$t"
    [ -d "fuzz/corpus/$t" ] && cp -r "fuzz/corpus/$t/." "$work/"
    echo "build-libfuzzer: running $t for ${RUN_SECONDS}s (new inputs land in $work)"
    # shellcheck disable=SC2086 # FUZZ_ARGS is a word list
    if ! "$OUT/$t" -max_total_time="$RUN_SECONDS" -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$t/" ${FUZZ_ARGS:-} "$work"; then
        failed+=("$t")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "build-libfuzzer: FAILED: ${failed[*]} (see $OUT/artifacts/)" >&2
    exit 1
fi
echo "build-libfuzzer: ${#targets[@]} targets ran clean"
