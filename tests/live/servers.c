/*
 * servers.c — see servers.h.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "servers.h"

int srv_free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t n = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) ||
        getsockname(fd, (struct sockaddr *)&a, &n)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

char *srv_tmpdir(const char *tag) {
    const char *t = getenv("TMPDIR");
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/ccsig-%s-XXXXXX", t && *t ? t : "/tmp", tag);
    if (!mkdtemp(p)) {
        free(p);
        return NULL;
    }
    return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void srv_rmtree(const char *dir) {
    if (dir)
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

bool srv_write(const char *dir, const char *name, const char *text, size_t len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(text, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

const char *srv_nginx_path(void) {
    static const char *const paths[] = {"/usr/sbin/nginx", "/usr/local/sbin/nginx",
                                        "/usr/bin/nginx"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (access(paths[i], X_OK) == 0)
            return paths[i];
    return NULL;
}

static bool port_accepts(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)port);
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

pid_t srv_nginx_start(const char *dir, const char *servers, const int *ports, size_t nports) {
    const char *nginx = srv_nginx_path();
    if (!nginx) {
        fprintf(stderr, "nginx is not installed (scripts/bootstrap installs it)\n");
        return -1;
    }
    size_t cap = strlen(servers) + 8192;
    char *conf = malloc(cap);
    snprintf(conf, cap,
             "daemon off;\nmaster_process off;\nworker_processes 1;\n"
             "pid %s/nginx.pid;\nerror_log %s/error.log warn;\n"
             "events { worker_connections 256; }\n"
             "http {\n"
             "  client_body_temp_path %s/tmp-body;\n  proxy_temp_path %s/tmp-proxy;\n"
             "  fastcgi_temp_path %s/tmp-fastcgi;\n  uwsgi_temp_path %s/tmp-uwsgi;\n"
             "  scgi_temp_path %s/tmp-scgi;\n"
             "  log_format t '$msec $request_time $server_port $request_uri $status';\n"
             "  access_log %s/access.log t;\n"
             "  types { text/html html; image/jpeg jpg; image/png png; image/webp webp;\n"
             "    image/tiff tif; image/gif gif; application/pdf pdf; video/mp4 mp4;\n"
             "    application/json json; application/rsl+xml xml; text/plain txt;\n"
             "    text/csv csv; text/markdown md; application/octet-stream c2pa xmp; }\n"
             "  default_type text/plain;\n"
             "  server_tokens off;\n"
             "%s\n}\n",
             dir, dir, dir, dir, dir, dir, dir, dir, servers);
    srv_write(dir, "nginx.conf", conf, strlen(conf));
    free(conf);
    char cpath[4096], errlog[4096];
    snprintf(cpath, sizeof cpath, "%s/nginx.conf", dir);
    snprintf(errlog, sizeof errlog, "%s/nginx.stderr", dir);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        char elog[4200];
        snprintf(elog, sizeof elog, "%s/error.log", dir);
        /* -e: not even the start-up log goes to /var/log (tests run as any user) */
        execl(nginx, nginx, "-e", elog, "-p", dir, "-c", cpath, (char *)NULL);
        _exit(127);
    }
    for (int tries = 0; tries < 200; tries++) {
        bool all = true;
        for (size_t i = 0; i < nports && all; i++)
            all = port_accepts(ports[i]);
        if (all)
            return pid;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            fprintf(stderr, "nginx exited; see %s and %s/error.log\n", errlog, dir);
            return -1;
        }
        struct timespec ts = {0, 25 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "nginx did not start listening; see %s\n", errlog);
    srv_stop(pid);
    return -1;
}

void srv_stop(pid_t pid) {
    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 200; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

int srv_silent(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)port);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 16)) {
        close(fd);
        return -1;
    }
    return fd;
}

size_t srv_hits(const char *dir, srv_hit *out, size_t max) {
    char path[4096];
    snprintf(path, sizeof path, "%s/access.log", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = 0;
    char line[1024];
    while (n < max && fgets(line, sizeof line, f)) {
        srv_hit *h = &out[n];
        if (sscanf(line, "%lf %lf %d %255s %d", &h->t, &h->dur, &h->port, h->path, &h->status) == 5)
            n++;
    }
    fclose(f);
    return n;
}
