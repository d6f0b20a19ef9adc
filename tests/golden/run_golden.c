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
 *   full     optional (empty): standard output is /dev/full, where every
 *            write fails (ENOSPC): how a case provokes "an output could not
 *            be written" (exit 3); the expected stdout is then empty
 *   http/    optional: the runner serves this directory over HTTP/1.1 on
 *            127.0.0.1 (loopback only) while the case runs: GET /P answers
 *            200 with the file http/P (text/html for .html, else
 *            text/plain), any other path 404. @PORT@ in args expands to its
 *            port, @DEADPORT@ to a port nothing listens on (connection
 *            refused); in stdout and stderr both ports read back as
 *            @PORT@ and @DEADPORT@, so the expected files do not depend
 *            on them.
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static const char *ccsig_bin;
static const char *cases_dir;
/* The case's HTTP server (http/) and a port nobody listens on, as text. */
static char http_port[16], dead_port[16];

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
                {"@BUILD@", CCSIG_BINARY_DIR},
                {"@PORT@", http_port},
                {"@DEADPORT@", dead_port}};
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

/* A socket bound to 127.0.0.1 on a port the kernel picks; its port in
 * *port. listening: listen on it (else it is only bound, to reserve a
 * number that is then released). */
static int loopback_socket(int *port, bool listening) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || (listening && listen(fd, 16)) ||
        getsockname(fd, (struct sockaddr *)&a, &al)) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* Write all n bytes to fd (a peer that hung up ends it quietly). */
static void write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* The server child: answer each connection's request from root (see the
 * header comment), one request per connection. Runs until killed. */
static void serve_http(int lfd, const char *root) {
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        int c = accept(lfd, NULL, NULL);
        if (c < 0)
            continue;
        char req[8192];
        size_t n = 0;
        while (n < sizeof req - 1) {
            ssize_t r = read(c, req + n, sizeof req - 1 - n);
            if (r <= 0)
                break;
            n += (size_t)r;
            req[n] = '\0';
            if (strstr(req, "\r\n\r\n"))
                break;
        }
        req[n] = '\0';
        char method[16] = "", target[4096] = "";
        char *body = NULL;
        size_t blen = 0;
        bool head = false;
        if (sscanf(req, "%15s %4095s", method, target) == 2 && target[0] == '/' &&
            !strstr(target, "..")) {
            head = !strcmp(method, "HEAD");
            target[strcspn(target, "?#")] = '\0';
            char path[4200];
            snprintf(path, sizeof path, "%s%s", root, target);
            struct stat sb;
            if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
                body = slurp(path, &blen);
        }
        const char *dot = strrchr(target, '.');
        const char *type = dot && !strcmp(dot, ".html") ? "text/html" : "text/plain";
        char hdr[512];
        int hl = snprintf(hdr, sizeof hdr,
                          "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                          "Connection: close\r\n\r\n",
                          body ? "200 OK" : "404 Not Found", type, body ? blen : 9);
        write_all(c, hdr, (size_t)hl);
        if (!head)
            write_all(c, body ? body : "not found", body ? blen : 9);
        free(body);
        shutdown(c, SHUT_WR);
        while (read(c, req, sizeof req) > 0)
            ;
        close(c);
    }
}

/* Replace every occurrence of from with to in the n bytes at *p (realloc'd). */
static void replace_all(char **p, size_t *n, const char *from, const char *to) {
    size_t fl = strlen(from), tl = strlen(to);
    if (!*p || !fl)
        return;
    char *out = malloc(*n * (tl > fl ? tl : 1) + 1);
    size_t o = 0;
    for (size_t i = 0; i < *n;) {
        if (i + fl <= *n && !memcmp(*p + i, from, fl)) {
            memcpy(out + o, to, tl);
            o += tl;
            i += fl;
        } else {
            out[o++] = (*p)[i++];
        }
    }
    out[o] = '\0';
    free(*p);
    *p = out;
    *n = o;
}

static void run_case(void **state) {
    const char *name = *state;
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/%s", cases_dir, name);

    /* http/: a loopback server for this case, and a port nobody answers */
    pid_t server = -1;
    http_port[0] = dead_port[0] = '\0';
    snprintf(path, sizeof path, "%s/http", dir);
    struct stat hsb;
    if (stat(path, &hsb) == 0 && S_ISDIR(hsb.st_mode)) {
        int hp = 0, dp = 0;
        int lfd = loopback_socket(&hp, true), dfd = loopback_socket(&dp, false);
        assert_true(lfd >= 0 && dfd >= 0);
        close(dfd); /* released: connections to it are refused */
        snprintf(http_port, sizeof http_port, "%d", hp);
        snprintf(dead_port, sizeof dead_port, "%d", dp);
        server = fork();
        assert_true(server >= 0);
        if (server == 0) {
            serve_http(lfd, path);
            _exit(0);
        }
        close(lfd);
    }

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
    snprintf(path, sizeof path, "%s/full", dir);
    struct stat fsb;
    bool full = stat(path, &fsb) == 0;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        snprintf(path, sizeof path, "%s/stdin", dir);
        int ifd = open(path, O_RDONLY);
        if (ifd < 0)
            ifd = open("/dev/null", O_RDONLY);
        dup2(ifd, 0);
        int full_fd = full ? open("/dev/full", O_WRONLY) : -1;
        if (full && full_fd < 0)
            _exit(125);
        dup2(full ? full_fd : ofd, 1);
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

    if (server > 0) {
        kill(server, SIGKILL);
        waitpid(server, NULL, 0);
    }
    size_t olen = 0, elen = 0;
    char *got_out = slurp(out_path, &olen), *got_err = slurp(err_path, &elen);
    if (server > 0) {
        char from[40];
        const char *ports[2][2] = {{http_port, "127.0.0.1:@PORT@"},
                                   {dead_port, "127.0.0.1:@DEADPORT@"}};
        for (int i = 0; i < 2; i++) {
            snprintf(from, sizeof from, "127.0.0.1:%s", ports[i][0]);
            replace_all(&got_out, &olen, from, ports[i][1]);
            replace_all(&got_err, &elen, from, ports[i][1]);
        }
    }
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
