/* main.c - the `tauraro` command line (DESIGN.md section 2). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tauraro/tauraro.h"

enum { EXIT_OK = 0, EXIT_ERRORS = 1, EXIT_USAGE = 2 };

typedef struct Cli {
    const char *input;
    const char *output;   /* -o */
    bool emit_c;          /* --emit-c, or -o ending in .c */
    const char *opt;      /* "-O2" */
    const char *cc;       /* --cc, $CC or "cc" */
    TauraroOptions opts;
    char **prog_args;     /* run: arguments after FILE */
    int nprog_args;
} Cli;

static const char usage_text[] =
    "usage: tauraro compile FILE.tr [-o OUT] [--backend c] [--use-native-transpiler]\n"
    "                       [--memory-strategy auto|manual|arena] [--memory-debug]\n"
    "                       [--emit-c] [-O0|-O1|-O2|-O3] [--cc CC]\n"
    "       tauraro run [OPTIONS] FILE.tr [ARGS...]\n"
    "       tauraro --cflags\n"
    "       tauraro --help | --version\n";

static const char help_text[] =
    "Tauraro compiles a statically typed subset of Python to C.\n"
    "\n"
    "Commands:\n"
    "  compile FILE.tr     translate to C and build a native executable\n"
    "  run FILE.tr ARGS    compile to a temporary executable and run it\n"
    "\n"
    "Options:\n"
    "  -o OUT              output: an executable, or C source when OUT ends in .c\n"
    "                      (default: FILE without .tr; with --emit-c: stdout)\n"
    "  --emit-c            write the generated C instead of building\n"
    "  --memory-strategy S default memory strategy for functions without a\n"
    "                      decorator: auto (reference counting, default),\n"
    "                      manual (the program frees what it names) or\n"
    "                      arena (a call's allocations freed when it returns)\n"
    "  --memory-debug      record every allocation with its .tr line; report\n"
    "                      use after free, double free and leaks (exit 3)\n"
    "  -O0 .. -O3          optimization level for the C compiler (default -O2)\n"
    "  --cc CC             C compiler to use (default: $CC or cc)\n"
    "  --backend c         the code generator (c is the only backend)\n"
    "  --use-native-transpiler\n"
    "                      accepted for compatibility; has no effect\n"
    "  --cflags            print the flags a C compiler needs for emitted C:\n"
    "                      cc $(tauraro --cflags) app.c -o app\n"
    "  --help, --version\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("tauraro: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The runtime headers: beside an installed binary, else in the source tree
 * the binary was built from; TAURARO_RUNTIME_DIR overrides both. */
static const char *runtime_dir(void)
{
    const char *env = getenv("TAURARO_RUNTIME_DIR");
    if (env && *env)
        return env;
    static char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            static char dir[PATH_MAX + 64];
            *slash = '\0';
            snprintf(dir, sizeof dir, "%s/../lib/tauraro/runtime", exe);
            char probe[PATH_MAX + 96];
            snprintf(probe, sizeof probe, "%s/tauraro/runtime.h", dir);
            if (file_exists(probe) && !file_exists(TAURARO_SOURCE_RUNTIME_DIR "/tauraro/runtime.h"))
                return dir;
        }
    }
    if (file_exists(TAURARO_SOURCE_RUNTIME_DIR "/tauraro/runtime.h"))
        return TAURARO_SOURCE_RUNTIME_DIR;
    return TAURARO_INSTALL_RUNTIME_DIR;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    bool failed = ferror(f);
    fclose(f);
    if (!buf || failed) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Write text to path through a temporary file and a rename, so a failure
 * never leaves a partial output behind. */
static bool write_atomically(const char *path, const char *text)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "tauraro: cannot write '%s': %s\n", path, strerror(errno));
        free(tmp);
        return false;
    }
    FILE *f = fdopen(fd, "w");
    bool ok = f && fputs(text, f) >= 0;
    if (f)
        ok = fclose(f) == 0 && ok;
    else
        close(fd);
    if (ok)
        ok = chmod(tmp, 0644) == 0 && rename(tmp, path) == 0;
    if (!ok) {
        fprintf(stderr, "tauraro: cannot write '%s': %s\n", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

/* Run argv; returns the exit status (128+signal when killed), -1 if it
 * could not be started. */
static int run_process(char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "tauraro: cannot run '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

/* Build the executable `out` from C text. */
static int build_executable(const Cli *cli, const char *ctext, const char *out)
{
    char cpath[] = "/tmp/tauraro-XXXXXX.c";
    int fd = mkstemps(cpath, 2);
    if (fd < 0) {
        fprintf(stderr, "tauraro: cannot create a temporary file: %s\n", strerror(errno));
        return EXIT_ERRORS;
    }
    size_t len = strlen(ctext);
    bool ok = write(fd, ctext, len) == (ssize_t)len;
    close(fd);
    size_t n = strlen(out);
    char *tmpout = malloc(n + 16);
    snprintf(tmpout, n + 16, "%s.tmpXXXXXX", out);
    int ofd = ok ? mkstemp(tmpout) : -1;
    if (ofd >= 0)
        close(ofd);
    int status = EXIT_ERRORS;
    if (ofd < 0) {
        fprintf(stderr, "tauraro: cannot write '%s': %s\n", out, strerror(errno));
    } else {
        char inc[PATH_MAX + 8];
        snprintf(inc, sizeof inc, "-I%s", runtime_dir());
        char *argv[] = {(char *)cli->cc, "-std=c11", (char *)cli->opt, inc, "-o", tmpout,
                        cpath, "-lm", NULL};
        int rc = run_process(argv);
        if (rc == 0 && rename(tmpout, out) == 0) {
            status = EXIT_OK;
        } else {
            if (rc == 0)
                fprintf(stderr, "tauraro: cannot write '%s': %s\n", out, strerror(errno));
            else
                fprintf(stderr, "tauraro: error: the C compiler '%s' failed (status %d) "
                                "on the generated code\n", cli->cc, rc);
            unlink(tmpout);
        }
    }
    unlink(cpath);
    free(tmpout);
    return status;
}

/* Translate cli->input; NULL (after diagnostics) on error. */
static char *translate(const Cli *cli, int *status)
{
    size_t len;
    char *src = read_file(cli->input, &len);
    if (!src) {
        fprintf(stderr, "tauraro: cannot open '%s': %s\n", cli->input, strerror(errno));
        *status = EXIT_ERRORS;
        return NULL;
    }
    int nerrors = 0;
    char *c = tauraro_compile_to_c(cli->input, src, len, &cli->opts, stderr, &nerrors);
    free(src);
    if (!c) {
        fprintf(stderr, "%d error%s generated.\n", nerrors, nerrors == 1 ? "" : "s");
        *status = EXIT_ERRORS;
    }
    return c;
}

static char *default_output(const char *input)
{
    const char *base = strrchr(input, '/');
    base = base ? base + 1 : input;
    size_t n = strlen(base);
    if (ends_with(base, ".tr"))
        n -= 3;
    char *out = malloc(n + 8);
    memcpy(out, base, n);
    out[n] = '\0';
    if (n == 0 || strcmp(out, base) == 0)
        strcpy(out + n, ".out");
    return out;
}

/* Options shared by compile and run. Returns the index after the options
 * and FILE; run stops at FILE so the rest are the program's arguments. */
static int parse_options(Cli *cli, int argc, char **argv, int i, bool is_run)
{
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-o") == 0 && !is_run) {
            if (++i == argc)
                return -usage_error("option '%s' needs an argument", a);
            cli->output = argv[i];
        } else if (strcmp(a, "--emit-c") == 0 && !is_run) {
            cli->emit_c = true;
        } else if (strcmp(a, "--backend") == 0) {
            if (++i == argc)
                return -usage_error("option '%s' needs an argument", a);
            if (strcmp(argv[i], "c") != 0)
                return -usage_error("unknown backend '%s' (the only backend is 'c')", argv[i]);
        } else if (strcmp(a, "--use-native-transpiler") == 0) {
            /* the C transpiler is the only one */
        } else if (strcmp(a, "--memory-strategy") == 0 ||
                   strncmp(a, "--memory-strategy=", 18) == 0) {
            const char *v = a[17] == '=' ? a + 18 : NULL;
            if (!v) {
                if (++i == argc)
                    return -usage_error("option '%s' needs an argument", a);
                v = argv[i];
            }
            if (strcmp(v, "auto") == 0)
                cli->opts.memory_strategy = TAURARO_MEM_AUTO;
            else if (strcmp(v, "manual") == 0)
                cli->opts.memory_strategy = TAURARO_MEM_MANUAL;
            else if (strcmp(v, "arena") == 0)
                cli->opts.memory_strategy = TAURARO_MEM_ARENA;
            else
                return -usage_error("unknown memory strategy '%s' (expected auto, manual or arena)", v);
        } else if (strcmp(a, "--memory-debug") == 0) {
            cli->opts.memory_debug = true;
        } else if (strcmp(a, "-O0") == 0 || strcmp(a, "-O1") == 0 || strcmp(a, "-O2") == 0 ||
                   strcmp(a, "-O3") == 0) {
            cli->opt = a;
        } else if (strcmp(a, "--cc") == 0) {
            if (++i == argc)
                return -usage_error("option '%s' needs an argument", a);
            cli->cc = argv[i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return -usage_error("unknown option '%s'", a);
        } else if (!cli->input) {
            cli->input = a;
            if (is_run)
                return i + 1;
        } else {
            return -usage_error("unexpected argument '%s'", a);
        }
    }
    if (!cli->input)
        return -usage_error("%s", "no input file");
    return i;
}

static int cmd_compile(Cli *cli)
{
    if (cli->output && ends_with(cli->output, ".c"))
        cli->emit_c = true;
    int status = EXIT_OK;
    char *c = translate(cli, &status);
    if (!c)
        return status;
    if (cli->emit_c) {
        if (cli->output)
            status = write_atomically(cli->output, c) ? EXIT_OK : EXIT_ERRORS;
        else
            fputs(c, stdout);
    } else {
        char *out = cli->output ? NULL : default_output(cli->input);
        status = build_executable(cli, c, cli->output ? cli->output : out);
        free(out);
    }
    free(c);
    return status;
}

static int cmd_run(Cli *cli)
{
    int status = EXIT_OK;
    char *c = translate(cli, &status);
    if (!c)
        return status;
    char exe[] = "/tmp/tauraro-run-XXXXXX";
    int fd = mkstemp(exe);
    if (fd < 0) {
        fprintf(stderr, "tauraro: cannot create a temporary file: %s\n", strerror(errno));
        free(c);
        return EXIT_ERRORS;
    }
    close(fd);
    status = build_executable(cli, c, exe);
    free(c);
    if (status == EXIT_OK) {
        char **argv = calloc((size_t)cli->nprog_args + 2, sizeof *argv);
        argv[0] = exe;
        for (int i = 0; i < cli->nprog_args; i++)
            argv[i + 1] = cli->prog_args[i];
        fflush(stdout);
        status = run_process(argv);
        if (status < 0) {
            fprintf(stderr, "tauraro: cannot run the program\n");
            status = EXIT_ERRORS;
        }
        free(argv);
    }
    unlink(exe);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        fputs("\n", stdout);
        fputs(help_text, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("tauraro %s\n", TAURARO_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--cflags") == 0) {
        /* the math library must link even though it precedes app.c, also
         * where the linker defaults to --as-needed */
        printf("-std=c11 -I%s -Wl,--push-state,--no-as-needed -lm -Wl,--pop-state\n",
               runtime_dir());
        return EXIT_OK;
    }
    Cli cli = {0};
    cli.opt = "-O2";
    cli.cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";
    bool is_run = strcmp(cmd, "run") == 0;
    if (!is_run && strcmp(cmd, "compile") != 0)
        return usage_error("unknown command '%s'", cmd);
    int next = parse_options(&cli, argc, argv, 2, is_run);
    if (next < 0)
        return -next;
    if (is_run) {
        cli.prog_args = argv + next;
        cli.nprog_args = argc - next;
        return cmd_run(&cli);
    }
    return cmd_compile(&cli);
}
