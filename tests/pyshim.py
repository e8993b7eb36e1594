#!/usr/bin/env python3
"""Run a Tauraro program (.tr) under CPython.

Usage: python3 tests/pyshim.py PROGRAM.tr [ARGS...]

Tauraro is a statically typed subset of Python, so a Tauraro program is also a
Python program once the memory-management builtins exist.  This shim installs
them as no-ops in `builtins`, then runs the file as `__main__` with
runpy.run_path so that tracebacks name the .tr file and its lines.

An uncaught exception prints a Python traceback (without the shim's and
runpy's own frames) and exits with status 1, as `python3 PROGRAM.tr` would.
"""

import builtins
import os
import runpy
import sys
import traceback


class Buffer(bytearray):
    """What allocate() returns: zero-filled bytes."""


class Arena:
    """What create_arena() returns: a handle with no behaviour."""

    def __init__(self, size=4096):
        self.size = size


def allocate(n):
    return Buffer(n)


def allocate_aligned(n, align=16):
    return Buffer(n)


def free(x):
    return None


def create_arena(size=4096):
    return Arena(size)


def reset_arena(arena):
    return None


def destroy_arena(arena):
    return None


def memory_stats():
    return {}


def _memory_decorator(*args, **kwargs):
    """Usable bare (@auto_memory) and with arguments (@arena_memory(a))."""
    if len(args) == 1 and not kwargs and callable(args[0]):
        return args[0]

    def identity(func):
        return func

    return identity


auto_memory = _memory_decorator
manual_memory = _memory_decorator
arena_memory = _memory_decorator


def owned(t):
    return t


def borrowed(t):
    return t


_NAMES = {
    "allocate": allocate,
    "allocate_aligned": allocate_aligned,
    "free": free,
    "create_arena": create_arena,
    "reset_arena": reset_arena,
    "destroy_arena": destroy_arena,
    "memory_stats": memory_stats,
    "auto_memory": auto_memory,
    "manual_memory": manual_memory,
    "arena_memory": arena_memory,
    "owned": owned,
    "borrowed": borrowed,
    "Buffer": Buffer,
    "Arena": Arena,
}


def _program_frames(tb, path):
    """Skip the shim's and runpy's frames: start at the first frame of PATH."""
    start = tb
    while start is not None and start.tb_frame.f_code.co_filename != path:
        start = start.tb_next
    return start if start is not None else tb


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: pyshim.py PROGRAM.tr [ARGS...]\n")
        return 2
    path = argv[1]
    if not os.path.isfile(path):
        sys.stderr.write("pyshim: cannot open '%s': No such file or directory\n" % path)
        return 2
    for name, value in _NAMES.items():
        setattr(builtins, name, value)
    sys.argv = argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: B902 - report like the interpreter does
        sys.stdout.flush()
        tb = _program_frames(exc.__traceback__, path)
        traceback.print_exception(type(exc), exc, tb)
        sys.stderr.flush()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
