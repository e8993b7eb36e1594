#!/usr/bin/env bash
# Benchmarks (not tests): time and peak memory of each program compiled by
# tauraro under each --memory-strategy, against hand-written C and CPython.
#   tests/bench/run.sh [TAURARO_BINARY]
# Prints one table per benchmark. Numbers vary with the machine and its load:
# compare rows of one run, not runs of different days.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tauraro=${1:-$here/../../build/tauraro}
work=$(mktemp -d "${TMPDIR:-/tmp}/tauraro-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: /usr/bin/time is needed (Debian package 'time')" >&2; exit 2; }

# measure NAME CMD...: prints "NAME  seconds  peak-KiB", checks the output
measure() {
    local name=$1
    shift
    if ! "$TIME" -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err"; then
        printf '%-22s %10s %12s\n' "$name" "failed" "-"
        return
    fi
    if [ -f "$work/expected" ] && ! cmp -s "$work/out" "$work/expected"; then
        printf '%-22s %10s %12s\n' "$name" "wrong" "output"
        return
    fi
    read -r secs kib <"$work/time"
    printf '%-22s %10s %12s\n' "$name" "$secs" "$kib"
}

for tr in "$here"/*.tr; do
    name=$(basename "$tr" .tr)
    echo "== $name"
    printf '%-22s %10s %12s\n' "program" "seconds" "peak KiB"
    rm -f "$work/expected"
    if [ -f "$here/$name.c" ]; then
        cc -O2 -o "$work/$name-c" "$here/$name.c"
        "$work/$name-c" >"$work/expected"
        measure "hand-written C" "$work/$name-c"
    fi
    for strategy in auto manual arena; do
        if "$tauraro" compile "$tr" --memory-strategy "$strategy" -O2 -o "$work/$name-$strategy" 2>"$work/cerr"; then
            measure "tauraro ($strategy)" "$work/$name-$strategy"
        else
            printf '%-22s %10s\n' "tauraro ($strategy)" "compile failed"
        fi
    done
    if command -v python3 >/dev/null 2>&1; then
        measure "CPython" python3 "$here/../pyshim.py" "$tr"
    fi
    echo
done
