#!/bin/sh
# Installs what the build needs when it is missing (Debian/Ubuntu, as root
# or with sudo), then configures and builds the compiler into build/.
set -eu
cd "$(dirname "$0")/.."

need=""
command -v re2c >/dev/null 2>&1 || need="$need re2c"
command -v lemon >/dev/null 2>&1 || need="$need lemon"
command -v cmake >/dev/null 2>&1 || need="$need cmake"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v make >/dev/null 2>&1 || need="$need make"
[ -f /usr/include/cmocka.h ] || need="$need libcmocka-dev"
command -v valgrind >/dev/null 2>&1 || need="$need valgrind"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
    echo "setup: installing$need"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $need >/dev/null
fi

[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAURARO_WERROR=ON >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
