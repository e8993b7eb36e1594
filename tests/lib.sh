# shellcheck shell=bash
# tests/lib.sh - helpers the test harnesses share (run_programs.sh,
# run_memdebug.sh, run_cli.sh): sourced, not run.

# directive FILE KEY: the values of "# KEY: value" lines, one per line.
directive() {
    sed -n "s/^# $2:[[:space:]]*//p" "$1" | sed 's/[[:space:]]*$//'
}

# has_flag FILE KEY: the file has a "# KEY" or "# KEY: ..." line.
has_flag() {
    grep -qE "^# $2([[:space:]]*\$|:)" "$1"
}

have() {
    command -v "$1" >/dev/null 2>&1
}

# resolve_binary PATH: PATH made absolute (a bare name is looked up in PATH),
# so it still works from the directories the tests run in.
resolve_binary() {
    case "$1" in
        /*) printf '%s\n' "$1" ;;
        */*) printf '%s\n' "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ;;
        *) command -v "$1" || printf '%s\n' "$1" ;;
    esac
}

# with_timeout SECONDS CMD...: run CMD, killed after SECONDS when timeout(1) exists.
with_timeout() {
    local secs=$1
    shift
    if have timeout; then
        timeout -k 5 "$secs" "$@"
    else
        "$@"
    fi
}

# timed_out STATUS: the run was killed by timeout(1).
timed_out() {
    [ "$1" -eq 124 ] || [ "$1" -eq 137 ]
}

# A failure reason: the first line goes after "FAIL name: ", the rest is indented.
fail() {
    local msg="$*"
    while [ "${msg%$'\n'}" != "$msg" ]; do msg=${msg%$'\n'}; done
    FAILS+=("$msg")
}

# snippet FILE: at most 20 lines of FILE, indented.
snippet() {
    head -n 20 "$1" | sed 's/^/    | /'
}

# differs EXPECTED_FILE EXPECTED_LABEL GOT_FILE GOT_LABEL: a unified diff, indented.
differs() {
    diff -u --label "$2" --label "$4" "$1" "$3" | head -n 30 | sed 's/^/    | /'
}

# diags LOG OUT: the compiler's diagnostic lines of LOG, into OUT.
diags() {
    grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning): ' "$1" >"$2"
}
