#!/usr/bin/env bash
# End-to-end tests: compile, run and compare every program in TESTS_DIR/programs,
# and check the diagnostics of every program in TESTS_DIR/errors.
#
# usage: run_programs.sh TAURARO_BINARY TESTS_DIR [FILTER]
#
#   TAURARO_BINARY  the compiler; "-" checks only the expectations against CPython
#   TESTS_DIR       the folder holding programs/, errors/ and pyshim.py
#   FILTER          run only the tests whose name contains this substring
#
# Environment:
#   TAURARO_TEST_MEMORY  comma-separated memory strategies (--memory-strategy) to run
#                        every program under (default: auto,arena,manual). The first
#                        gets every check; the others are built with gcc, run and
#                        compared, and checked by valgrind (under manual only the
#                        programs marked valgrind-manual, which free what they name)
#   TAURARO_TEST_JOBS    parallel jobs (default: nproc)
#   TAURARO_TEST_KEEP=1  keep the work directory even when everything passed
#   TAURARO_TEST_NO_VALGRIND=1, TAURARO_TEST_NO_PYTHON=1, TAURARO_TEST_NO_CLANG=1
#                        skip those checks (they run by default when the tool exists)
#
# Directives in the first comment lines of a program (see tests/README.md):
#   # expect-exit: N               expected exit status (default 0)
#   # expect-stderr: TEXT          the last line of stderr must equal TEXT
#   # expect-traceback-line: N     stderr must contain  File "...NAME.tr", line N
#   # python-skip: REASON          do not run this program under CPython
#   # memory-strategies: LIST (WHY) run only under these strategies, e.g. "auto" for
#                                  programs whose output shows __del__ timing
#   # valgrind-manual: yes         the program frees what it allocates under
#                                  --memory-strategy manual: valgrind checks it there too
#
# Prints "PASS name" or "FAIL name: reason" per test and a closing
# "programs: N passed, M failed" line; exits 1 if any test failed.

set -u

# ---------------------------------------------------------------- helpers

# shellcheck source=tests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# check_run LABEL NAME STATUS STDOUT_FILE STDERR_FILE
# Compares one run of program NAME with NAME.out and the directives of NAME.tr.
check_run() {
    local label=$1 name=$2 status=$3 out=$4 err=$5
    local tr="$PROGRAMS/$name.tr" expected="$PROGRAMS/$name.out"
    local want_status
    want_status=$(directive "$tr" expect-exit | head -n 1)
    want_status=${want_status:-0}
    if timed_out "$status"; then
        fail "$label: timed out (status $status)"
        return
    fi
    if ! cmp -s "$expected" "$out"; then
        fail "$label: stdout differs from $name.out
$(differs "$expected" "$name.out" "$out" "$label stdout")"
    fi
    if [ "$status" -ne "$want_status" ]; then
        fail "$label: exit status $status, expected $want_status
$(snippet "$err")"
    fi
    local want_last got_last
    want_last=$(directive "$tr" expect-stderr | head -n 1)
    if [ -n "$want_last" ]; then
        got_last=$(tail -n 1 "$err")
        if [ "$got_last" != "$want_last" ]; then
            fail "$label: last stderr line is '$got_last', expected '$want_last'
$(snippet "$err")"
        fi
    fi
    local line pattern
    pattern=$(printf '%s' "$name" | sed 's/[.[\*^$]/\\&/g')
    for line in $(directive "$tr" expect-traceback-line); do
        if ! grep -qE "File \"([^\"]*/)?$pattern\\.tr\", line $line(,|\$)" "$err"; then
            fail "$label: the traceback does not name $name.tr line $line
$(snippet "$err")"
        fi
    done
}

# check_same LABEL STATUS STDOUT_FILE RUN_STATUS RUN_STDOUT_FILE STDERR_FILE
# Another run of the same program must behave like the first one (which
# check_run compared with the expectations already).
check_same() {
    local label=$1 status=$2 out=$3 run_status=$4 run_out=$5 err=$6
    if timed_out "$status"; then
        fail "$label: timed out (status $status)"
        return
    fi
    if ! cmp -s "$run_out" "$out"; then
        fail "$label: stdout differs from the plain run's
$(differs "$run_out" "run stdout" "$out" "$label stdout")"
    fi
    if [ "$status" -ne "$run_status" ]; then
        fail "$label: exit status $status, the plain run's was $run_status
$(snippet "$err")"
    fi
}

# build_c LABEL CC C_FILE EXE: compile generated C warning-free.
build_c() {
    local label=$1 cc=$2 cfile=$3 exe=$4
    # shellcheck disable=SC2086  # CFLAGS is a list of flags
    if ! "$cc" $CFLAGS -std=c11 -Wall -Wextra -Werror -O1 "$cfile" -o "$exe" -lm \
        >"$exe.cc.log" 2>&1; then
        fail "$label: $cc rejected the generated C
$(snippet "$exe.cc.log")"
        return 1
    fi
    return 0
}

# ------------------------------------------------------------ one program

# test_program NAME STRATEGY FIRST: all checks of one program under one strategy.
# FIRST is 1 for the first strategy (the CPython check runs once per program).
test_program() {
    local name=$1 strategy=$2 first=$3
    local tr="$PROGRAMS/$name.tr"
    local w="$WORK/prog/$name.$strategy"
    mkdir -p "$w"
    FAILS=()

    if [ ! -f "$PROGRAMS/$name.out" ]; then
        fail "missing $name.out (generate it: python3 tests/pyshim.py $name.tr > $name.out)"
        report "$name" "$strategy"
        return
    fi

    # (c) the expectations hold under CPython
    if [ "$first" = 1 ] && [ "$USE_PYTHON" = 1 ] && [ -z "$(directive "$tr" python-skip)" ]; then
        local st
        (cd "$PROGRAMS" && with_timeout 120 python3 "$TESTS/pyshim.py" "$name.tr") \
            >"$w/py.out" 2>"$w/py.err" </dev/null
        st=$?
        check_run "python3" "$name" "$st" "$w/py.out" "$w/py.err"
    fi

    if [ "$TAURARO" != "-" ]; then
        compiled_checks "$name" "$strategy" "$w" "$first"
    fi
    report "$name" "$strategy"
}

compiled_checks() {
    local name=$1 strategy=$2 w=$3 first=$4
    local mem=(--memory-strategy "$strategy")
    local use_clang=$USE_CLANG use_valgrind=$USE_VALGRIND
    if [ "$first" = 0 ]; then
        use_clang=0
        if [ "$strategy" = manual ] && [ "$(directive "$PROGRAMS/$name.tr" valgrind-manual)" != yes ]; then
            use_valgrind=0
        fi
    fi

    # (a) emit C and build it with gcc (and clang) under -Werror
    if ! (cd "$PROGRAMS" && with_timeout 60 "$TAURARO" compile "$name.tr" "${mem[@]}" \
        --emit-c -o "$w/$name.c") >"$w/compile.log" 2>&1 </dev/null; then
        fail "tauraro compile --emit-c failed
$(snippet "$w/compile.log")"
        return
    fi
    build_c "gcc" gcc "$w/$name.c" "$w/$name" || return
    if [ "$use_clang" = 1 ]; then
        build_c "clang" clang "$w/$name.c" "$w/$name.clang"
    fi

    # (b) run it and compare
    local st
    (cd "$PROGRAMS" && with_timeout 30 "$w/$name") >"$w/run.out" 2>"$w/run.err" </dev/null
    local run_status=$?
    check_run "run" "$name" "$run_status" "$w/run.out" "$w/run.err"

    # (d) valgrind: no memory errors, no leaks of any kind
    if [ "$use_valgrind" = 1 ]; then
        (cd "$PROGRAMS" && with_timeout 300 valgrind -q --leak-check=full \
            --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99 \
            "$w/$name") >"$w/vg.out" 2>"$w/vg.err" </dev/null
        st=$?
        if [ "$st" -eq 99 ]; then
            fail "valgrind reported errors or leaks
$(grep '^==' "$w/vg.err" | head -n 30 | sed 's/^/    | /')"
        else
            check_same "valgrind" "$st" "$w/vg.out" "$run_status" "$w/run.out" "$w/vg.err"
        fi
    fi

    # (e) the default path: compile straight to an executable (once)
    [ "$first" = 1 ] || return
    if ! (cd "$PROGRAMS" && with_timeout 120 "$TAURARO" compile "$name.tr" "${mem[@]}" \
        -o "$w/$name.exe") >"$w/compile2.log" 2>&1 </dev/null; then
        fail "tauraro compile -o EXE failed
$(snippet "$w/compile2.log")"
        return
    fi
    (cd "$PROGRAMS" && with_timeout 30 "$w/$name.exe") >"$w/exe.out" 2>"$w/exe.err" </dev/null
    st=$?
    check_same "compile -o" "$st" "$w/exe.out" "$run_status" "$w/run.out" "$w/exe.err"
}

# ------------------------------------------------------- one error program

test_error() {
    local name=$1
    local w="$WORK/err/$name"
    local outdir="$w/out"
    mkdir -p "$outdir"
    FAILS=()
    if [ ! -f "$ERRORS/$name.err" ]; then
        fail "missing $name.err"
        report "errors/$name" ""
        return
    fi
    local st
    (cd "$ERRORS" && with_timeout 60 "$TAURARO" compile "$name.tr" -o "$outdir/$name") \
        >"$w/stdout" 2>"$w/stderr" </dev/null
    st=$?
    if [ "$st" -ne 1 ]; then
        fail "exit status $st, expected 1
$(snippet "$w/stderr")"
    fi
    local left
    left=$(find "$outdir" -mindepth 1 -printf '%f ')
    if [ -n "$left" ]; then
        fail "an output file was left behind: $left"
    fi
    grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning): ' "$w/stderr" >"$w/diags"
    if ! cmp -s "$ERRORS/$name.err" "$w/diags"; then
        fail "diagnostics differ from $name.err
$(diff -u --label "$name.err" --label "stderr" "$ERRORS/$name.err" "$w/diags" | head -n 20 | sed 's/^/    | /')
    full stderr:
$(snippet "$w/stderr")"
    fi
    report "errors/$name" ""
}

# report NAME STRATEGY: print PASS/FAIL for the collected failures, once.
report() {
    local label=$1
    if [ -n "$2" ] && [ "$MULTI" = 1 ]; then
        label="${label}[$2]"
    fi
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
    printf '%s\n' "$text" >"$WORK/results/$(printf '%s' "$label" | tr '/[]' '___').res"
    printf '%s\n' "$text"
}

# ------------------------------------------------------------------ main

if [ "${1:-}" = "--worker" ]; then
    # A job started by xargs below: --worker prog NAME STRATEGY FIRST | --worker err NAME
    case "$2" in
        prog) test_program "$3" "$4" "$5" ;;
        err) test_error "$3" ;;
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
PROGRAMS="$TESTS/programs"
ERRORS="$TESTS/errors"

if [ "$TAURARO" != "-" ]; then
    TAURARO=$(resolve_binary "$TAURARO")
    if [ ! -x "$TAURARO" ]; then
        echo "run_programs.sh: '$1' is not an executable" >&2
        exit 2
    fi
    if ! CFLAGS=$("$TAURARO" --cflags); then
        echo "run_programs.sh: '$TAURARO --cflags' failed" >&2
        exit 2
    fi
else
    CFLAGS=""
fi

USE_PYTHON=0
if have python3 && [ -z "${TAURARO_TEST_NO_PYTHON:-}" ]; then USE_PYTHON=1; fi
USE_VALGRIND=0
if have valgrind && [ -z "${TAURARO_TEST_NO_VALGRIND:-}" ]; then USE_VALGRIND=1; fi
USE_CLANG=0
if have clang && [ -z "${TAURARO_TEST_NO_CLANG:-}" ]; then USE_CLANG=1; fi
if [ "$TAURARO" = "-" ] && [ "$USE_PYTHON" = 0 ]; then
    echo "run_programs.sh: '-' checks the expectations with python3, which is missing" >&2
    exit 2
fi

IFS=',' read -r -a STRATEGIES <<<"${TAURARO_TEST_MEMORY:-auto,arena,manual}"
MULTI=0
if [ "${#STRATEGIES[@]}" -gt 1 ]; then MULTI=1; fi

JOBS=${TAURARO_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tauraro-programs.XXXXXX") || exit 2
mkdir -p "$WORK/results"

export TAURARO TESTS PROGRAMS ERRORS CFLAGS USE_PYTHON USE_VALGRIND USE_CLANG MULTI WORK

# The job list: one line per job, the worker's arguments.
jobs_file="$WORK/jobs"
: >"$jobs_file"
for tr in "$PROGRAMS"/*.tr; do
    [ -e "$tr" ] || continue
    name=$(basename "$tr" .tr)
    case "$name" in *"$FILTER"*) ;; *) continue ;; esac
    only=$(directive "$tr" memory-strategies)
    only=${only%%[[:space:]]*} # the list, without the reason after it
    first=1
    for s in "${STRATEGIES[@]}"; do
        if [ -n "$only" ] && [[ ",$only," != *",$s,"* ]]; then
            continue
        fi
        echo "prog $name $s $first" >>"$jobs_file"
        first=0
    done
done
if [ "$TAURARO" != "-" ]; then
    for tr in "$ERRORS"/*.tr; do
        [ -e "$tr" ] || continue
        name=$(basename "$tr" .tr)
        case "errors/$name" in *"$FILTER"*) ;; *) continue ;; esac
        echo "err $name" >>"$jobs_file"
    done
fi

if [ ! -s "$jobs_file" ]; then
    echo "run_programs.sh: no test matches '$FILTER'" >&2
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
echo "programs: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$total" -gt 0 ]
