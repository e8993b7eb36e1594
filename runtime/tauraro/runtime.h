/* tauraro/runtime.h - the whole Tauraro runtime, for generated programs.
 *
 * A generated program is one C file that includes this header first:
 *
 *     #include "tauraro/runtime.h"
 *     int main(int argc, char **argv) {
 *         tauraro_main_init(argc, argv, "prog.tr");
 *         ... top-level code; on an uncaught exception: goto out ...
 *     out:
 *         return tauraro_main_exit();
 *     }
 *
 * Headers, one concern each, each usable alone:
 *   mem.h     object header, rc/manual/arena allocators, statistics
 *   exc.h     exception classes and objects, pending exception, traceback
 *   num.h     int64 and float arithmetic with Python semantics
 *   str.h     immutable UTF-8 str objects
 *   format.h  float repr, format mini-language, string builder
 *   io.h      print support
 *   builtins.h  builtins that are no operation of one object kind
 *   list.h    lists specialised per element type (TAURARO_LIST_DEFINE)
 *   dict.h    dicts specialised per key/value type (TAURARO_DICT_DEFINE)
 *   strmeth.h str methods (split, join, strip, case mapping, find, ...)
 */
#ifndef TAURARO_RUNTIME_H
#define TAURARO_RUNTIME_H

/* POSIX (isatty); best placed before the first system header. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <unistd.h>

#include "mem.h"
#include "exc.h"
#include "num.h"
#include "str.h"
#include "format.h"
#include "io.h"
#include "builtins.h"
#include "list.h"
#include "dict.h"
#include "strmeth.h"
#include "memory.h"

/* Program arguments and the .tr path (for tracebacks). */
TAURARO_DATA int tauraro_argc;
TAURARO_DATA char **tauraro_argv;
TAURARO_DATA const char *tauraro_src_path;

/* Output buffer of stdout when it is not a terminal. */
#define TAURARO_STDOUT_BUFSIZE (1 << 16)
TAURARO_DATA char tauraro_stdout_buf[TAURARO_STDOUT_BUFSIZE];

/* Before any output. src_path: the .tr path as given at compile time. */
TAURARO_FUNC void tauraro_main_init(int argc, char **argv, const char *src_path)
{
    tauraro_argc = argc;
    tauraro_argv = argv;
    tauraro_src_path = src_path;
#ifdef TAURARO_MEMORY_DEBUG
    tauraro_dbg_file = src_path;
#endif
    /* like CPython: line-buffered on a terminal, block-buffered otherwise */
    if (isatty(STDOUT_FILENO))
        setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
    else
        setvbuf(stdout, tauraro_stdout_buf, _IOFBF, sizeof tauraro_stdout_buf);
}

/* The value main returns. Flushes stdout; an uncaught exception is printed
 * to stderr with its traceback (CPython's layout) and gives 1. Releases the
 * exception and the traceback storage, so nothing the runtime allocated is
 * left at exit. */
TAURARO_FUNC int tauraro_main_exit(void)
{
    int status = 0;
    fflush(stdout);
    tauraro_exc_t *e = tauraro_exc_fetch();
    if (e != NULL) {
        tauraro_exc_print(stderr, e, tauraro_src_path);
        fflush(stderr);
        tauraro_exc_decref(e);
        status = 1;
    }
    tauraro_tb_free();
    tauraro_memory_shutdown();
#ifdef TAURARO_MEMORY_DEBUG
    if (tauraro_dbg_exit() && status == 0)
        status = TAURARO_DBG_STATUS;
#endif
    return status;
}

#endif /* TAURARO_RUNTIME_H */
