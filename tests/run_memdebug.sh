#!/usr/bin/env bash
# End-to-end tests of --memory-debug: the seeded-bug programs in
# TESTS_DIR/memdebug must be reported exactly as expected, and every clean
# program (TESTS_DIR/programs, examples/) must run clean and silent.
#
# usage: run_memdebug.sh TAURARO_BINARY TESTS_DIR [FILTER]
#
#   TAURARO_BINARY  the compiler
#   TESTS_DIR       the folder holding memdebug/ and programs/ (examples/ is beside it)
#   FILTER          run only the tests whose label contains this substring
#                   (labels: NAME for memdebug/NAME.tr, clean/NAME for the others)
#
# Environment:
#   TAURARO_TEST_JOBS    parallel jobs (default: nproc)
#   TAURARO_TEST_KEEP=1  keep the work directory even when everything passed
#
# (a) Every memdebug/NAME.tr, from inside TESTS_DIR/memdebug:
#       tauraro compile NAME.tr --memory-debug [--memory-strategy S] -o WORK/NAME
#     - the build succeeds (exit 0), unless the program says
#       "# expect-compile-error": then it fails with status 1, leaves no
#       executable, and is not run;
#     - the compiler's "FILE:LINE:COL: error|warning: " lines equal NAME.diag
#       (no such line at all when there is no NAME.diag);
#     - the program, run from inside memdebug/ (30 s at most), prints NAME.out
#       on stdout, exactly NAME.err on stderr (an empty NAME.err: nothing), and
#       exits with the declared status (default 0).
#     Directives in the program's comment lines:
#       # expect-exit: N             expected exit status (3: a memory-debug report)
#       # memory-strategy: S         compile with --memory-strategy S
#       # expect-compile-error       the compiler must reject the program (NAME.diag)
#
# (b) Every programs/NAME.tr that succeeds under the auto strategy (no
#     python-skip or expect-exit directive, memory-strategies absent or naming
#     auto) and every examples/NAME.tr with a NAME.out, labelled clean/NAME:
#     compiled with --memory-debug (default strategy) and run from its folder,
#     its stdout equals NAME.out, its exit status is 0 and stderr does not
#     mention memory-debug. A program whose output --memory-debug changes by
#     design (it prints the keys of memory_stats(), which gains four under
#     --memory-debug) can opt out with "# memdebug-skip: REASON".
#
# Prints "PASS label" or "FAIL label: reason" per test and a closing
# "memdebug: N passed, M failed" line; exits 1 if any test failed.

set -u

# ---------------------------------------------------------------- helpers

# shellcheck source=tests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ------------------------------------------------- (a) a seeded-bug program

test_memdebug() {
    local name=$1
    local tr="$MEMDEBUG/$name.tr"
    local w="$WORK/md/$name"
    mkdir -p "$w/bin"
    FAILS=()

    local mem=()
    local strategy
    strategy=$(directive "$tr" memory-strategy | head -n 1)
    if [ -n "$strategy" ]; then
        mem=(--memory-strategy "$strategy")
    fi
    local expect_error=0
    if has_flag "$tr" expect-compile-error; then
        expect_error=1
    fi

    local st
    (cd "$MEMDEBUG" && with_timeout 120 "$TAURARO" compile "$name.tr" --memory-debug "${mem[@]}" \
        -o "$w/bin/$name") >"$w/compile.out" 2>"$w/compile.err" </dev/null
    st=$?

    # the diagnostics
    diags "$w/compile.err" "$w/diags"
    if [ -f "$MEMDEBUG/$name.diag" ]; then
        if ! cmp -s "$MEMDEBUG/$name.diag" "$w/diags"; then
            fail "diagnostics differ from $name.diag
$(differs "$MEMDEBUG/$name.diag" "$name.diag" "$w/diags" "compiler stderr")
    full compiler stderr:
$(snippet "$w/compile.err")"
        fi
    elif [ -s "$w/diags" ]; then
        fail "the compiler reported diagnostics (expected none: there is no $name.diag)
$(snippet "$w/compile.err")"
    fi

    if [ "$expect_error" = 1 ]; then
        if [ "$st" -ne 1 ]; then
            fail "compile exit status $st, expected 1 (expect-compile-error)
$(snippet "$w/compile.err")"
        fi
        if [ -e "$w/bin/$name" ]; then
            fail "the rejected program left an executable behind"
        fi
        report "$name" "md_$name"
        return
    fi
    if [ "$st" -ne 0 ]; then
        fail "tauraro compile --memory-debug failed (status $st)
$(snippet "$w/compile.err")"
        report "$name" "md_$name"
        return
    fi

    local missing=""
    [ -f "$MEMDEBUG/$name.out" ] || missing+=" $name.out"
    [ -f "$MEMDEBUG/$name.err" ] || missing+=" $name.err"
    if [ -n "$missing" ]; then
        fail "missing$missing (generate them by running the program built with --memory-debug from inside tests/memdebug)"
        report "$name" "md_$name"
        return
    fi

    (cd "$MEMDEBUG" && with_timeout 30 "$w/bin/$name") >"$w/run.out" 2>"$w/run.err" </dev/null
    st=$?
    if timed_out "$st"; then
        fail "timed out (status $st)"
        report "$name" "md_$name"
        return
    fi
    local want_status
    want_status=$(directive "$tr" expect-exit | head -n 1)
    want_status=${want_status:-0}
    if ! cmp -s "$MEMDEBUG/$name.out" "$w/run.out"; then
        fail "stdout differs from $name.out
$(differs "$MEMDEBUG/$name.out" "$name.out" "$w/run.out" "stdout")"
    fi
    if ! cmp -s "$MEMDEBUG/$name.err" "$w/run.err"; then
        fail "stderr differs from $name.err
$(differs "$MEMDEBUG/$name.err" "$name.err" "$w/run.err" "stderr")"
    fi
    if [ "$st" -ne "$want_status" ]; then
        fail "exit status $st, expected $want_status
$(snippet "$w/run.err")"
    fi
    report "$name" "md_$name"
}

# ------------------------------------------------------ (b) a clean program

# test_clean KIND NAME: KIND is "programs" or "examples".
test_clean() {
    local kind=$1 name=$2
    local dir
    if [ "$kind" = examples ]; then dir=$EXAMPLES; else dir=$PROGRAMS; fi
    local w="$WORK/clean/$kind/$name"
    mkdir -p "$w"
    FAILS=()
    local label="clean/$name"

    if [ ! -f "$dir/$name.out" ]; then
        fail "missing $name.out"
        report "$label" "clean_${kind}_$name"
        return
    fi
    local st
    (cd "$dir" && with_timeout 120 "$TAURARO" compile "$name.tr" --memory-debug -o "$w/$name") \
        >"$w/compile.out" 2>"$w/compile.err" </dev/null
    st=$?
    if [ "$st" -ne 0 ]; then
        fail "tauraro compile --memory-debug failed (status $st)
$(snippet "$w/compile.err")"
        report "$label" "clean_${kind}_$name"
        return
    fi
    (cd "$dir" && with_timeout 30 "$w/$name") >"$w/run.out" 2>"$w/run.err" </dev/null
    st=$?
    if timed_out "$st"; then
        fail "timed out (status $st)"
        report "$label" "clean_${kind}_$name"
        return
    fi
    if grep -q 'memory-debug' "$w/run.err"; then
        fail "memory-debug reported a problem in a clean program
$(snippet "$w/run.err")"
    fi
    if ! cmp -s "$dir/$name.out" "$w/run.out"; then
        fail "stdout differs from $name.out
$(differs "$dir/$name.out" "$name.out" "$w/run.out" "stdout")"
    fi
    if [ "$st" -ne 0 ]; then
        fail "exit status $st, expected 0
$(snippet "$w/run.err")"
    fi
    report "$label" "clean_${kind}_$name"
}

# report LABEL KEY: print PASS/FAIL for the collected failures, once.
report() {
    local label=$1 key=$2
    local text
    if [ "${#FAILS[@]}" -eq 0 ]; then
        text="PASS $label"
    else
        text="FAIL $label: ${FAILS[0]}"
        local i
        for ((i = 1; i < ${#FAILS[@]}; i++)); do
            text+=$'\n'"     also: ${FAILS[$i]}"
        done
    fi
    printf '%s\n' "$text" >"$WORK/results/$key.res"
    printf '%s\n' "$text"
}

# ------------------------------------------------------------------ main

if [ "${1:-}" = "--worker" ]; then
    # A job started by xargs below: --worker md NAME | --worker clean KIND NAME
    case "$2" in
        md) test_memdebug "$3" ;;
        clean) test_clean "$3" "$4" ;;
    esac
    exit 0
fi

if [ $# -lt 2 ]; then
    echo "usage: $0 TAURARO_BINARY TESTS_DIR [FILTER]" >&2
    exit 2
fi

TAURARO=$1
TESTS=$(cd "$2" && pwd) || exit 2
FILTER=${3:-}
MEMDEBUG="$TESTS/memdebug"
PROGRAMS="$TESTS/programs"
EXAMPLES="$TESTS/../examples"

TAURARO=$(resolve_binary "$TAURARO")
if [ ! -x "$TAURARO" ]; then
    echo "run_memdebug.sh: '$1' is not an executable" >&2
    exit 2
fi

JOBS=${TAURARO_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tauraro-memdebug.XXXXXX") || exit 2
mkdir -p "$WORK/results"

export TAURARO TESTS MEMDEBUG PROGRAMS EXAMPLES WORK

# The job list: one line per job, the worker's arguments.
jobs_file="$WORK/jobs"
: >"$jobs_file"
for tr in "$MEMDEBUG"/*.tr; do
    [ -e "$tr" ] || continue
    name=$(basename "$tr" .tr)
    case "$name" in *"$FILTER"*) ;; *) continue ;; esac
    echo "md $name" >>"$jobs_file"
done
for tr in "$PROGRAMS"/*.tr; do
    [ -e "$tr" ] || continue
    name=$(basename "$tr" .tr)
    case "clean/$name" in *"$FILTER"*) ;; *) continue ;; esac
    if [ -n "$(directive "$tr" python-skip)" ] || [ -n "$(directive "$tr" expect-exit)" ] ||
        [ -n "$(directive "$tr" memdebug-skip)" ]; then
        continue
    fi
    only=$(directive "$tr" memory-strategies)
    only=${only%%[[:space:]]*} # the list, without the reason after it
    if [ -n "$only" ] && [[ ",$only," != *",auto,"* ]]; then
        continue
    fi
    echo "clean programs $name" >>"$jobs_file"
done
for tr in "$EXAMPLES"/*.tr; do
    [ -e "$tr" ] || continue
    name=$(basename "$tr" .tr)
    [ -f "${tr%.tr}.out" ] || continue
    case "clean/$name" in *"$FILTER"*) ;; *) continue ;; esac
    [ -z "$(directive "$tr" memdebug-skip)" ] || continue
    echo "clean examples $name" >>"$jobs_file"
done

if [ ! -s "$jobs_file" ]; then
    echo "run_memdebug.sh: no test matches '$FILTER'" >&2
fi
xargs -r -P "$JOBS" -L 1 bash "${BASH_SOURCE[0]}" --worker <"$jobs_file"

passed=$(cat "$WORK"/results/*.res 2>/dev/null | grep -c '^PASS ')
failed=$(cat "$WORK"/results/*.res 2>/dev/null | grep -c '^FAIL ')
total=$(wc -l <"$jobs_file")
missing=$((total - passed - failed))
if [ "$missing" -gt 0 ]; then
    echo "FAIL harness: $missing test(s) produced no result"
    failed=$((failed + missing))
fi

if [ "$failed" -gt 0 ] || [ -n "${TAURARO_TEST_KEEP:-}" ]; then
    echo "work directory kept: $WORK"
else
    rm -rf "$WORK"
fi
echo "memdebug: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$total" -gt 0 ]
