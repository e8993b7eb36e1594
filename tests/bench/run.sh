#!/usr/bin/env bash
# Benchmarks (not tests): time and peak memory of each program NAME.tr
# compiled by tauraro under each --memory-strategy, and of each variant
# NAME_VARIANT.tr (the same program written for one strategy, e.g.
# binary_trees_arena.tr with @arena_memory) compiled with default flags,
# against hand-written C (NAME.c) and CPython (NAME.tr only). Every row must
# print what NAME.c prints.
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
    # NAME_VARIANT.tr is measured in the table of NAME.tr
    [ -f "$here/${name%_*}.tr" ] && continue
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
    for variant in "$here/$name"_*.tr; do
        [ -f "$variant" ] || continue
        vname=$(basename "$variant" .tr)
        [ "${vname%_*}" = "$name" ] || continue
        label="tauraro @${vname##*_}_memory"
        if "$tauraro" compile "$variant" -O2 -o "$work/$vname" 2>"$work/cerr"; then
            measure "$label" "$work/$vname"
        else
            printf '%-22s %10s\n' "$label" "compile failed"
        fi
    done
    if command -v python3 >/dev/null 2>&1; then
        measure "CPython" python3 "$here/../pyshim.py" "$tr"
    fi
    echo
done
