/*
 * run_golden.c — golden tests for the ccsig command (tests are data, as in
 * curl: a directory per case, one runner).
 *
 * usage: run_golden CCSIG CASES-DIR
 *
 * Each case is a directory under CASES-DIR holding:
 *   args     one argument per line (after "ccsig"); @SHARED@ and @SOURCE@
 *            expand to the shared directory and the source tree
 *   stdin    optional standard input (default: empty)
 *   stdout   expected standard output (exact bytes)
 *   stderr   optional expected standard error (exact bytes)
 *   exit     optional expected exit status (default 0)
 *   cwd      optional working directory (one line, expanded like args;
 *            @BUILD@ is the build tree, where tests write fixtures)
 * The command runs with the case directory as its working directory,
 * unless cwd says otherwise.
 * With UPDATE_GOLDEN=1 in the environment the expected files are rewritten
 * from what the command printed (review the diff before committing).
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static const char *ccsig_bin;
static const char *cases_dir;

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 >= cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    if (b)
        b[n] = '\0';
    if (len)
        *len = n;
    return b;
}

static void spit(const char *path, const char *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

static char *expand(const char *line) {
    static const struct {
        const char *key, *val;
    } vars[] = {{"@SHARED@", CCSIG_SHARED_DIR},
                {"@SOURCE@", CCSIG_SOURCE_DIR},
                {"@BUILD@", CCSIG_BINARY_DIR}};
    size_t cap = strlen(line) * 2 + 4096;
    char *out = malloc(cap);
    size_t o = 0;
    for (const char *p = line; *p;) {
        bool done = false;
        for (size_t i = 0; i < sizeof vars / sizeof vars[0] && !done; i++) {
            size_t kl = strlen(vars[i].key);
            if (!strncmp(p, vars[i].key, kl)) {
                size_t vl = strlen(vars[i].val);
                memcpy(out + o, vars[i].val, vl);
                o += vl;
                p += kl;
                done = true;
            }
        }
        if (!done)
            out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}

static void run_case(void **state) {
    const char *name = *state;
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/%s", cases_dir, name);

    snprintf(path, sizeof path, "%s/args", dir);
    char *args = slurp(path, NULL);
    assert_non_null(args);
    char *argv[256];
    int argc = 0;
    argv[argc++] = (char *)ccsig_bin;
    /* One argument per line; empty lines are empty arguments. */
    for (char *line = args; *line && argc < 255;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        argv[argc++] = expand(line);
        if (!nl)
            break;
        line = nl + 1;
    }
    argv[argc] = NULL;

    char out_path[] = "/tmp/ccsig-golden-out-XXXXXX", err_path[] = "/tmp/ccsig-golden-err-XXXXXX";
    snprintf(path, sizeof path, "%s/cwd", dir);
    char *cwd_line = slurp(path, NULL), *cwd = NULL;
    if (cwd_line) {
        cwd_line[strcspn(cwd_line, "\n")] = '\0';
        cwd = expand(cwd_line);
        free(cwd_line);
    }

    int ofd = mkstemp(out_path), efd = mkstemp(err_path);
    assert_true(ofd >= 0 && efd >= 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        snprintf(path, sizeof path, "%s/stdin", dir);
        int ifd = open(path, O_RDONLY);
        if (ifd < 0)
            ifd = open("/dev/null", O_RDONLY);
        dup2(ifd, 0);
        dup2(ofd, 1);
        dup2(efd, 2);
        if (chdir(cwd ? cwd : dir) != 0)
            _exit(126);
        execv(ccsig_bin, argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    close(ofd);
    close(efd);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

    size_t olen = 0, elen = 0;
    char *got_out = slurp(out_path, &olen), *got_err = slurp(err_path, &elen);
    bool update = getenv("UPDATE_GOLDEN") && !strcmp(getenv("UPDATE_GOLDEN"), "1");
    bool ok = true;

    snprintf(path, sizeof path, "%s/exit", dir);
    char *want_exit = slurp(path, NULL);
    int want_code = want_exit ? atoi(want_exit) : 0;
    if (update) {
        snprintf(path, sizeof path, "%s/stdout", dir);
        spit(path, got_out, olen);
        snprintf(path, sizeof path, "%s/stderr", dir);
        struct stat sb;
        if (elen || stat(path, &sb) == 0)
            spit(path, got_err, elen);
        if (code != 0 || want_exit) {
            char b[16];
            snprintf(path, sizeof path, "%s/exit", dir);
            snprintf(b, sizeof b, "%d\n", code);
            spit(path, b, strlen(b));
        }
    } else {
        if (code != want_code) {
            print_error("%s: exit status %d, expected %d\nstderr:\n%s\n", name, code, want_code,
                        got_err);
            ok = false;
        }
        const char *files[2] = {"stdout", "stderr"};
        const char *tmp[2] = {out_path, err_path};
        for (int i = 0; i < 2; i++) {
            snprintf(path, sizeof path, "%s/%s", dir, files[i]);
            size_t wl = 0;
            char *want = slurp(path, &wl);
            if (!want) {
                if (i == 0) {
                    print_error("%s: no expected stdout file\n", name);
                    ok = false;
                }
                continue;
            }
            size_t gl = i ? elen : olen;
            const char *got = i ? got_err : got_out;
            if (gl != wl || memcmp(got, want, wl)) {
                char cmd[8600];
                snprintf(cmd, sizeof cmd, "diff -u '%s' '%s' >&2", path, tmp[i]);
                print_error("%s: %s differs:\n", name, files[i]);
                if (system(cmd) == -1)
                    print_error("(diff failed)\n");
                ok = false;
            }
            free(want);
        }
    }
    unlink(out_path);
    unlink(err_path);
    free(got_out);
    free(got_err);
    free(want_exit);
    free(cwd);
    for (int i = 1; i < argc; i++)
        free(argv[i]);
    free(args);
    assert_true(ok);
}

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: run_golden CCSIG CASES-DIR\n");
        return 2;
    }
    ccsig_bin = argv[1];
    cases_dir = argv[2];
    DIR *d = opendir(cases_dir);
    if (!d) {
        perror(cases_dir);
        return 2;
    }
    char *names[1024];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024) {
        if (e->d_name[0] == '.')
            continue;
        char p[4200];
        struct stat sb;
        snprintf(p, sizeof p, "%s/%s/args", cases_dir, e->d_name);
        if (stat(p, &sb) == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    struct CMUnitTest *tests = calloc(n ? n : 1, sizeof *tests);
    for (size_t i = 0; i < n; i++) {
        tests[i].name = names[i];
        tests[i].test_func = run_case;
        tests[i].initial_state = names[i];
    }
    int rc = _cmocka_run_group_tests(cases_dir, tests, n, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(tests);
    return n ? rc : 1;
}
