#!/usr/bin/env bash
# Tests of the `tauraro` command line (DESIGN.md section 2).
#
# usage: run_cli.sh TAURARO_BINARY TESTS_DIR [FILTER]
#
# Every test runs in its own fresh temporary directory (the current directory
# of the commands), so they also prove that the compiler works from any cwd.
# Prints "PASS name" / "FAIL name: reason" and a closing "cli: N passed, M failed".

set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 TAURARO_BINARY TESTS_DIR [FILTER]" >&2
    exit 2
fi
# shellcheck source=tests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T=$(resolve_binary "$1")
if [ ! -x "$T" ]; then
    echo "run_cli.sh: '$1' is not an executable" >&2
    exit 2
fi
TESTS=$(cd "$2" && pwd) || exit 2
FILTER=${3:-}
CC=${CC:-cc}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tauraro-cli.XXXXXX") || exit 2
passed=0
failed=0

# ---------------------------------------------------------------- helpers

# sh CMD...: run CMD in the test's directory; sets ST, output in ./out and ./err.
sh_() {
    if have timeout; then
        timeout -k 5 120 "$@" >out 2>err </dev/null
    else
        "$@" >out 2>err </dev/null
    fi
    ST=$?
}

# Failure helpers: set REASON and return 1 so a test can `|| return`.
no() {
    REASON=$*
    if [ -s err ]; then
        REASON+=$'\n'"$(head -n 8 err | sed 's/^/    | /')"
    fi
    return 1
}
expect_status() {
    [ "$ST" -eq "$1" ] || no "exit status $ST, expected $1"
}
expect_stdout() {
    [ "$(cat out)" = "$1" ] || no "stdout is '$(head -c 300 out)', expected '$1'"
}

# stray_files: the files in the current directory besides the samples and logs.
stray_files() {
    local f extra=""
    for f in * .[!.]*; do
        [ -e "$f" ] || continue
        case "$f" in out | err | hello.tr | bad.tr | boom.tr) ;; *) extra+="$f " ;; esac
    done
    printf '%s' "$extra"
}

# The sample programs every test may use, written into its directory.
write_samples() {
    cat >hello.tr <<'EOF'
def greet(name: str) -> str:
    return "Hello, " + name + "!"


print(greet("world"))
print(6 * 7)
EOF
    cat >bad.tr <<'EOF'
x = 1
print(y)
EOF
    cat >boom.tr <<'EOF'
def inv(n: int) -> int:
    return 100 // n


print(inv(4))
print(inv(0))
EOF
}

HELLO_OUT=$'Hello, world!\n42'

# ------------------------------------------------------------------ tests

test_help() {
    sh_ "$T" --help
    expect_status 0 || return
    grep -q compile out || no "--help does not mention 'compile'" || return
    grep -q run out || no "--help does not mention 'run'"
}

test_version() {
    sh_ "$T" --version
    expect_status 0 || return
    grep -Eq '^tauraro [0-9]+\.[0-9]+\.[0-9]+' out || no "--version printed '$(head -c 100 out)'"
}

test_no_arguments() {
    sh_ "$T"
    expect_status 2 || return
    [ -s err ] || no "no usage message on stderr"
}

test_unknown_option() {
    sh_ "$T" compile hello.tr --frobnicate
    expect_status 2 || return
    grep -q -- --frobnicate err || no "the message does not name the option: $(head -n 1 err)" || return
    [ ! -e hello ] || no "an output file was written"
}

test_unknown_command() {
    sh_ "$T" transmogrify hello.tr
    expect_status 2 || return
    [ -s err ] || no "no message on stderr"
}

test_backend_llvm_rejected() {
    sh_ "$T" compile hello.tr --backend llvm -o prog
    expect_status 2 || return
    [ -s err ] || no "no message on stderr" || return
    [ ! -e prog ] || no "an output file was written"
}

test_backend_c_accepted() {
    sh_ "$T" compile hello.tr --backend c -o prog
    expect_status 0 || return
    sh_ ./prog
    expect_stdout "$HELLO_OUT"
}

test_memory_strategy_bogus() {
    sh_ "$T" compile hello.tr --memory-strategy bogus -o prog
    expect_status 2 || return
    grep -q bogus err || no "the message does not name the value: $(head -n 1 err)" || return
    [ ! -e prog ] || no "an output file was written"
}

test_memory_strategies_accepted() {
    local s
    for s in auto manual arena; do
        sh_ "$T" compile hello.tr --memory-strategy "$s" -o "prog_$s"
        expect_status 0 || no "--memory-strategy $s: exit status $ST" || return
        sh_ "./prog_$s"
        expect_stdout "$HELLO_OUT" || return
    done
}

test_memory_debug_accepted() {
    sh_ "$T" compile hello.tr --memory-debug -o prog
    expect_status 0 || return
    sh_ ./prog
    expect_status 0 || return
    expect_stdout "$HELLO_OUT"
}

test_native_transpiler_accepted() {
    sh_ "$T" compile hello.tr --use-native-transpiler -o prog
    expect_status 0 || return
    sh_ ./prog
    expect_stdout "$HELLO_OUT"
}

test_optimization_levels() {
    local o
    for o in -O0 -O1 -O2 -O3; do
        sh_ "$T" compile hello.tr "$o" -o "prog$o"
        expect_status 0 || no "$o: exit status $ST" || return
        sh_ "./prog$o"
        expect_stdout "$HELLO_OUT" || return
    done
}

test_cc_option() {
    local cc
    for cc in gcc clang; do
        have "$cc" || continue
        sh_ "$T" compile hello.tr --cc "$cc" -o "prog_$cc"
        expect_status 0 || no "--cc $cc: exit status $ST" || return
        sh_ "./prog_$cc"
        expect_stdout "$HELLO_OUT" || return
    done
}

test_cc_missing_compiler() {
    sh_ "$T" compile hello.tr --cc /nonexistent/cc -o prog
    [ "$ST" -eq 1 ] || no "exit status $ST, expected 1" || return
    [ ! -e prog ] || no "an output file was left behind" || return
    [ -z "$(stray_files)" ] || no "stray files: $(stray_files)"
}

test_compile_from_other_directory() {
    # input and output given as paths into another directory
    mkdir -p src bin elsewhere
    cp hello.tr src/
    cd elsewhere || return
    sh_ "$T" compile ../src/hello.tr -o ../bin/hello
    expect_status 0 || return
    cd .. || return
    sh_ ./bin/hello
    expect_stdout "$HELLO_OUT"
}

test_compile_absolute_paths() {
    local here
    here=$(pwd)
    cd / || return
    sh_ "$T" compile "$here/hello.tr" -o "$here/prog"
    mv out err "$here/" 2>/dev/null
    cd "$here" || return
    expect_status 0 || return
    sh_ ./prog
    expect_stdout "$HELLO_OUT"
}

test_compile_suite_program() {
    # a real program of the suite, compiled from here, output as expected
    sh_ "$T" compile "$TESTS/programs/gcd_lcm.tr" -o gcd
    expect_status 0 || return
    sh_ ./gcd
    expect_status 0 || return
    cmp -s out "$TESTS/programs/gcd_lcm.out" || no "output differs from gcd_lcm.out"
}

test_default_output_name() {
    sh_ "$T" compile hello.tr
    expect_status 0 || return
    [ -x hello ] || no "no executable 'hello' written next to the input" || return
    sh_ ./hello
    expect_stdout "$HELLO_OUT"
}

test_output_is_executable() {
    sh_ "$T" compile hello.tr -o prog
    expect_status 0 || return
    if [ ! -f prog ] || [ ! -x prog ]; then
        no "'prog' is not an executable file"
    fi
}

test_output_c_file() {
    sh_ "$T" compile hello.tr -o hello.c
    expect_status 0 || return
    [ -s hello.c ] || no "hello.c was not written" || return
    [ ! -e hello ] || no "an executable was built too" || return
    grep -q 'main' hello.c || no "hello.c has no main"
}

test_emit_c_stdout() {
    sh_ "$T" compile hello.tr --emit-c
    expect_status 0 || return
    grep -q 'main' out || no "stdout does not look like C" || return
    [ -z "$(stray_files)" ] || no "a file was written: $(stray_files)"
}

test_emit_c_with_output() {
    sh_ "$T" compile hello.tr --emit-c -o generated.out
    expect_status 0 || return
    grep -q 'main' generated.out || no "generated.out does not look like C"
}

test_emit_c_deterministic() {
    sh_ "$T" compile hello.tr --emit-c -o one.c
    expect_status 0 || return
    sh_ "$T" compile hello.tr --emit-c -o two.c
    expect_status 0 || return
    cmp -s one.c two.c || no "two runs gave different C"
}

test_cflags_build() {
    sh_ "$T" compile hello.tr -o hello.c
    expect_status 0 || return
    local flags
    flags=$("$T" --cflags) || no "--cflags failed" || return
    # shellcheck disable=SC2086  # the flags are a list
    $CC $flags hello.c -o hello >out 2>err || no "$CC \$(tauraro --cflags) hello.c -o hello failed" || return
    sh_ ./hello
    expect_stdout "$HELLO_OUT"
}

test_cflags_strict_warnings() {
    sh_ "$T" compile hello.tr -o hello.c
    expect_status 0 || return
    local flags cc
    flags=$("$T" --cflags) || no "--cflags failed" || return
    for cc in gcc clang; do
        have "$cc" || continue
        # shellcheck disable=SC2086  # the flags are a list
        "$cc" $flags -std=c11 -Wall -Wextra -Werror hello.c -o "hello_$cc" >out 2>err ||
            no "$cc -std=c11 -Wall -Wextra -Werror rejected the C" || return
    done
}

test_run_command() {
    sh_ "$T" run hello.tr
    expect_status 0 || return
    expect_stdout "$HELLO_OUT" || return
    [ ! -e hello ] || no "run left an executable behind"
}

test_run_passes_arguments() {
    # arguments after FILE belong to the program, even when they look like options
    sh_ "$T" run hello.tr one --two -o three
    expect_status 0 || return
    expect_stdout "$HELLO_OUT" || return
    [ ! -e three ] || no "'-o three' was taken as a compiler option"
}

test_run_exit_status() {
    sh_ "$T" run boom.tr
    expect_status 1 || return
    expect_stdout "25" || return
    [ "$(tail -n 1 err)" = "ZeroDivisionError: integer division or modulo by zero" ] ||
        no "last stderr line: $(tail -n 1 err)" || return
    grep -q 'File "boom.tr", line 2' err || no "the traceback does not name boom.tr line 2"
}

test_run_compile_error() {
    sh_ "$T" run bad.tr
    expect_status 1 || return
    grep -q '^bad.tr:2:7: error: ' err || no "no diagnostic bad.tr:2:7"
}

test_diagnostic_format() {
    sh_ "$T" compile bad.tr -o prog
    expect_status 1 || return
    [ "$(head -n 1 err)" = "bad.tr:2:7: error: name 'y' is not defined" ] ||
        no "first stderr line: $(head -n 1 err)" || return
    grep -q 'print(y)' err || no "the source line is not shown" || return
    grep -Eq '^[ |0-9]*\^' err || no "no caret line"
}

test_diagnostic_path_as_given() {
    mkdir -p sub
    cp bad.tr sub/
    sh_ "$T" compile sub/bad.tr -o prog
    expect_status 1 || return
    grep -q '^sub/bad.tr:2:7: error: ' err || no "the diagnostic does not use the path as given"
}

test_failed_compile_no_output() {
    sh_ "$T" compile bad.tr -o prog
    expect_status 1 || return
    [ ! -e prog ] || no "an executable was left behind" || return
    sh_ "$T" compile bad.tr -o prog.c
    expect_status 1 || return
    [ ! -e prog.c ] || no "a C file was left behind" || return
    sh_ "$T" compile bad.tr
    expect_status 1 || return
    [ ! -e bad ] || no "the default output was left behind" || return
    [ -z "$(stray_files)" ] || no "stray files: $(stray_files)"
}

test_failed_compile_keeps_existing_file() {
    printf 'old contents\n' >prog
    printf 'old C\n' >prog.c
    sh_ "$T" compile bad.tr -o prog
    expect_status 1 || return
    [ "$(cat prog)" = "old contents" ] || no "the existing output file was changed" || return
    sh_ "$T" compile bad.tr -o prog.c
    expect_status 1 || return
    [ "$(cat prog.c)" = "old C" ] || no "the existing C file was changed"
}

test_missing_input() {
    sh_ "$T" compile nofile.tr -o prog
    [ "$ST" -eq 1 ] || [ "$ST" -eq 2 ] || no "exit status $ST, expected 1 or 2" || return
    grep -qF "tauraro: cannot open 'nofile.tr': No such file or directory" err ||
        no "stderr: $(head -n 1 err)" || return
    [ ! -e prog ] || no "an output file was written"
}

test_no_input_file() {
    sh_ "$T" compile -o prog
    expect_status 2 || return
    [ -s err ] || no "no message on stderr"
}

test_two_input_files() {
    sh_ "$T" compile hello.tr bad.tr
    expect_status 2 || return
    [ -s err ] || no "no message on stderr"
}

TESTS_LIST=(
    help version no_arguments unknown_option unknown_command
    backend_llvm_rejected backend_c_accepted
    memory_strategy_bogus memory_strategies_accepted memory_debug_accepted
    native_transpiler_accepted optimization_levels cc_option cc_missing_compiler
    compile_from_other_directory compile_absolute_paths compile_suite_program
    default_output_name output_is_executable
    output_c_file emit_c_stdout emit_c_with_output emit_c_deterministic
    cflags_build cflags_strict_warnings
    run_command run_passes_arguments run_exit_status run_compile_error
    diagnostic_format diagnostic_path_as_given
    failed_compile_no_output failed_compile_keeps_existing_file
    missing_input no_input_file two_input_files
)

for t in "${TESTS_LIST[@]}"; do
    case "$t" in *"$FILTER"*) ;; *) continue ;; esac
    dir="$WORK/$t"
    mkdir -p "$dir"
    if result=$(cd "$dir" && write_samples && REASON="" && {
        "test_$t" || { printf '%s' "$REASON"; exit 1; }
    }); then
        echo "PASS $t"
        passed=$((passed + 1))
    else
        echo "FAIL $t: ${result:-failed}"
        failed=$((failed + 1))
    fi
done

if [ "$failed" -gt 0 ] || [ -n "${TAURARO_TEST_KEEP:-}" ]; then
    echo "work directory kept: $WORK"
else
    rm -rf "$WORK"
fi
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ $((passed + failed)) -gt 0 ]
