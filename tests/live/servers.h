/*
 * servers.h — test servers on 127.0.0.1 only, started and stopped by the
 * live tests themselves: nginx (Debian) with a configuration the test
 * writes, and a socket that accepts connections but never answers. Nothing
 * here contacts any other address.
 */
#ifndef CCSIG_TEST_SERVERS_H
#define CCSIG_TEST_SERVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A port nobody listens on right now (bound to 127.0.0.1:0 and released). */
int srv_free_port(void);

/* A fresh temporary directory (mkdtemp under $TMPDIR or /tmp); removed by
 * srv_rmtree. */
char *srv_tmpdir(const char *tag);
void srv_rmtree(const char *dir);

/* Write text to dir/name (creating parent directories). */
bool srv_write(const char *dir, const char *name, const char *text, size_t len);

/* The http { } part of an nginx configuration in `servers` (server blocks);
 * srv_nginx_start writes the rest (pid, logs, temp paths, types, access log
 * with $msec times in dir/access.log) and runs nginx in the foreground
 * without a master process. Waits until every port in ports[] accepts.
 * Returns the pid, or -1 (with a message on stderr) when nginx is missing
 * or does not start. */
pid_t srv_nginx_start(const char *dir, const char *servers, const int *ports, size_t nports);
void srv_stop(pid_t pid);

/* A listening socket on 127.0.0.1:port that never accepts: connections
 * complete in the kernel and then hear nothing. Returns the fd. */
int srv_silent(int port);

/* Read dir/access.log: one entry per request, in order. */
typedef struct srv_hit {
    double t;   /* when the request ended (seconds since the epoch) */
    double dur; /* how long it took */
    char path[256];
    int status;
    int port;
} srv_hit;
size_t srv_hits(const char *dir, srv_hit *out, size_t max);

/* Path to the nginx binary, or NULL when it is not installed. */
const char *srv_nginx_path(void);

#endif
