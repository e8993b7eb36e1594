#!/usr/bin/env python3
"""Run a Tauraro program (.tr) under CPython.

Usage: python3 tests/pyshim.py PROGRAM.tr [ARGS...]

Tauraro is a statically typed subset of Python, so a Tauraro program is also a
Python program once the memory-management builtins exist.  This shim installs
them in `builtins` (as no-ops, except that `Buffer` checks its indexes and byte
values with Tauraro's messages), then compiles the file and runs it as
`__main__` in a fresh module namespace, so that tracebacks name the .tr file
and its lines.

A decorator with an argument, `@arena_memory(self.frame_arena)`, names the
method's parameters and is not valid Python in a class body: such a line is
reduced to `@arena_memory` before compiling (same indentation, same number of
lines, so line numbers in tracebacks do not move).

An uncaught exception prints a Python traceback (without the shim's own
frames) and exits with status 1, as `python3 PROGRAM.tr` would.
"""

import builtins
import os
import re
import sys
import traceback
import types


class Buffer(bytearray):
    """What allocate() returns: zero-filled bytes.

    Indexing with an int raises Tauraro's messages (bytearray says
    "bytearray index out of range").
    """

    def _check_index(self, i):
        n = len(self)
        if i < -n or i >= n:
            raise IndexError("buffer index out of range")

    def __getitem__(self, i):
        if isinstance(i, int):
            self._check_index(i)
        return bytearray.__getitem__(self, i)

    def __setitem__(self, i, v):
        if isinstance(i, int):
            self._check_index(i)
            if isinstance(v, int) and not 0 <= v < 256:
                raise ValueError("byte must be in range(0, 256)")
        bytearray.__setitem__(self, i, v)


class Arena:
    """What create_arena() returns: a handle with no behaviour."""

    def __init__(self, size=4096, name=None):
        self.size = size
        self.name = name


def allocate(n):
    if n < 0:
        raise ValueError("negative buffer size")
    return Buffer(n)


def allocate_aligned(n, align=16):
    if n < 0:
        raise ValueError("negative buffer size")
    return Buffer(n)


def free(x):
    return None


def create_arena(size_or_name=4096):
    """create_arena(size: int = 4096) or create_arena(name: str)."""
    if isinstance(size_or_name, str):
        return Arena(4096, size_or_name)
    return Arena(size_or_name)


def reset_arena(arena):
    """Takes an Arena or the name of one."""
    return None


def destroy_arena(arena):
    """Takes an Arena or the name of one."""
    return None


_STATS_KEYS = (
    "auto_objects",
    "auto_bytes",
    "manual_objects",
    "manual_bytes",
    "arenas",
    "arena_bytes",
    "total_bytes",
)


def memory_stats():
    return {key: 0 for key in _STATS_KEYS}


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

_ARENA_DECORATOR = re.compile(r"^(\s*)@arena_memory\(.*\)\s*$")


def reduce_decorators(src):
    """`@arena_memory(expr)` lines become `@arena_memory`, same indentation and line count."""
    lines = src.splitlines(keepends=True)
    for i, line in enumerate(lines):
        m = _ARENA_DECORATOR.match(line)
        if m:
            body = line.rstrip("\r\n")
            lines[i] = m.group(1) + "@arena_memory" + line[len(body):]
    return "".join(lines)


def _program_frames(tb, path):
    """Skip the shim's frames: start at the first frame of PATH."""
    start = tb
    while start is not None and start.tb_frame.f_code.co_filename != path:
        start = start.tb_next
    if start is None:
        return tb
    # Drop the shim's own frames at the end (Buffer's checks), so that a buffer
    # error ends at the program's line, as in Tauraro.
    shim = _program_frames.__code__.co_filename
    last = start
    cur = start.tb_next
    while cur is not None:
        if cur.tb_frame.f_code.co_filename != shim:
            last = cur
        cur = cur.tb_next
    last.tb_next = None
    return start


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
    with open(path, encoding="utf-8") as f:
        src = reduce_decorators(f.read())
    try:
        code = compile(src, path, "exec")
    except SyntaxError as exc:
        # As `python3 PROGRAM.tr` reports it: no traceback, just the location.
        traceback.print_exception(type(exc), exc, None)
        return 1
    # A fresh __main__ module, set up and restored as runpy.run_path does.
    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__cached__ = None
    module.__builtins__ = builtins
    saved_main = sys.modules.get("__main__")
    # The program's module frame runs below this one: allow it as many nested
    # calls as `python3 PROGRAM.tr` would have (RecursionError at the same depth).
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    sys.setrecursionlimit(sys.getrecursionlimit() + depth)
    sys.modules["__main__"] = module
    try:
        try:
            exec(code, module.__dict__)
        finally:
            sys.modules["__main__"] = saved_main
            del module
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
