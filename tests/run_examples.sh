#!/usr/bin/env bash
# The examples are programs too: every examples/NAME.tr with a NAME.out goes
# through the same checks as tests/programs (gcc and clang warning-free,
# output against NAME.out and CPython, valgrind).
# usage: run_examples.sh TAURARO_BINARY TESTS_DIR
set -u
tests=$(cd "$2" && pwd) || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/tauraro-examples.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/programs" "$work/errors"
for tr in "$tests"/../examples/*.tr; do
    name=$(basename "$tr" .tr)
    [ -f "${tr%.tr}.out" ] || continue
    ln -s "$tr" "$work/programs/$name.tr"
    ln -s "${tr%.tr}.out" "$work/programs/$name.out"
done
ln -s "$tests/pyshim.py" "$work/pyshim.py"
bash "$tests/run_programs.sh" "$1" "$work" | sed 's/^programs:/examples:/'
exit "${PIPESTATUS[0]}"
