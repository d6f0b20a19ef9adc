#!/bin/sh
# servers.sh — the server configuration ccsig declare writes, tested for real.
#
# usage: servers.sh CCSIG FREEPORT nginx|apache|caddy|lighttpd
#
# For each declaration below: generate the configuration with `ccsig declare
# --format SERVER`, check it with the server's own checker (nginx -t,
# apache2ctl -t, caddy validate, lighttpd -tt), start the server on
# 127.0.0.1 at a free port with its own configuration, pid file and logs in a
# temporary directory, serving a sample collection, fetch files with curl and
# check that exactly the files under the declared paths carry the
# Content-Usage header with the declared value (once), then stop the server.
# Nothing uses the system instance, port 80 or any address but loopback.
# A missing server is a failure: scripts/bootstrap installs them
# (scripts/packages.d/declare).
set -eu

ccsig=$1
freeport=$2
server=$3

T=$(mktemp -d "${TMPDIR:-/tmp}/ccsig-declare-$server.XXXXXX")
chmod 755 "$T" # the servers' workers (www-data, nobody) read the site
pid=""
failed=0

stop_server() {
    case "$server" in
    apache)
        if [ -f "$T/run/apache2.pid" ]; then
            APACHE_CONFDIR="$T" apache2ctl stop >/dev/null 2>&1 || true
            i=0
            while [ -f "$T/run/apache2.pid" ] && [ $i -lt 50 ]; do
                sleep 0.1
                i=$((i + 1))
            done
        fi
        if [ -n "$pid" ]; then
            wait "$pid" 2>/dev/null || true
        fi
        ;;
    *)
        if [ -n "$pid" ]; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
        ;;
    esac
    pid=""
}

cleanup() {
    stop_server
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
    echo "FAIL ($server): $*" >&2
    for f in "$T"/logs/*; do
        [ -s "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
    done
    exit 1
}

need() {
    command -v "$1" >/dev/null 2>&1 ||
        fail "$1 is not installed: run scripts/bootstrap (scripts/packages.d/declare lists it)"
}

need curl
case "$server" in
nginx) need nginx ;;
apache) need apache2ctl ;;
caddy) need caddy ;;
lighttpd) need lighttpd ;;
*) fail "unknown server '$server'" ;;
esac

# The sample collection. Files that must NOT get the header test the prefix
# semantics: /collectionX.txt shares the prefix without the slash,
# /COLLECTION/ differs in case, /axb/ and /pq/ would match if '.', '+' or the
# parentheses were not escaped in the regular expression.
mkdir -p "$T/site/collection/sub" "$T/site/a.b" "$T/site/axb" "$T/site/p+(q)" "$T/site/pq" \
    "$T/site/ppq" "$T/site/other" "$T/site/COLLECTION" "$T/logs" "$T/run" "$T/data"
for f in collection/item.txt collection/sub/deep.txt a.b/x.txt axb/x.txt "p+(q)/f.txt" \
    pq/f.txt ppq/f.txt other/x.txt COLLECTION/item.txt collectionX.txt index.txt; do
    echo "sample $f" >"$T/site/$f"
done
chmod -R a+rX "$T/site"

# ---- one configuration per server ----

write_config() { # $1 = port, $2 = generated snippet file
    port=$1
    snippet=$2
    case "$server" in
    nginx)
        cat >"$T/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $T/run/nginx.pid;
error_log $T/logs/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $T/run/body;
    proxy_temp_path $T/run/proxy;
    fastcgi_temp_path $T/run/fastcgi;
    uwsgi_temp_path $T/run/uwsgi;
    scgi_temp_path $T/run/scgi;
    default_type text/plain;
    include $snippet;
    server {
        listen 127.0.0.1:$port;
        root $T/site;
    }
}
EOF
        ;;
    apache)
        cat >"$T/envvars" <<EOF
export APACHE_RUN_USER=www-data
export APACHE_RUN_GROUP=www-data
export APACHE_PID_FILE=$T/run/apache2.pid
export APACHE_RUN_DIR=$T/run
export APACHE_LOCK_DIR=$T/run
export APACHE_LOG_DIR=$T/logs
export LANG=C
EOF
        user=""
        [ "$(id -u)" -eq 0 ] && user="User www-data
Group www-data"
        cat >"$T/apache2.conf" <<EOF
ServerRoot "$T"
ServerName 127.0.0.1
PidFile $T/run/apache2.pid
Mutex file:$T/run default
ErrorLog $T/logs/error.log
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
TypesConfig /etc/mime.types
$user
Listen 127.0.0.1:$port
DocumentRoot "$T/site"
<Directory "$T/site">
    Require all granted
</Directory>
Include $snippet
EOF
        ;;
    caddy)
        cat >"$T/Caddyfile" <<EOF
{
	admin off
	auto_https off
	storage file_system $T/data
}
http://127.0.0.1:$port {
	root * $T/site
	import $snippet
	file_server
}
EOF
        ;;
    lighttpd)
        cat >"$T/lighttpd.conf" <<EOF
server.document-root = "$T/site"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$T/logs/error.log"
server.pid-file = "$T/run/lighttpd.pid"
server.modules = ( "mod_access" )
mimetype.assign = ( ".txt" => "text/plain" )
include "$snippet"
EOF
        ;;
    esac
}

# The server's own configuration check; its output is kept for failures.
check_config() {
    case "$server" in
    nginx) nginx -t -p "$T" -e "$T/logs/error.log" -c "$T/nginx.conf" >"$T/logs/check" 2>&1 ;;
    apache) APACHE_CONFDIR="$T" apache2ctl -t >"$T/logs/check" 2>&1 ;;
    caddy) HOME="$T" XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/data" \
        caddy validate --config "$T/Caddyfile" --adapter caddyfile >"$T/logs/check" 2>&1 ;;
    lighttpd) lighttpd -tt -f "$T/lighttpd.conf" >"$T/logs/check" 2>&1 ;;
    esac
}

start_server() {
    case "$server" in
    nginx)
        nginx -p "$T" -e "$T/logs/error.log" -c "$T/nginx.conf" >"$T/logs/stdout" 2>&1 &
        pid=$!
        ;;
    apache)
        # In the foreground, as our child, so it is reaped when it stops.
        APACHE_CONFDIR="$T" apache2ctl -DFOREGROUND >"$T/logs/stdout" 2>&1 &
        pid=$!
        ;;
    caddy)
        HOME="$T" XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/data" \
            caddy run --config "$T/Caddyfile" --adapter caddyfile >"$T/logs/stdout" 2>&1 &
        pid=$!
        ;;
    lighttpd)
        lighttpd -D -f "$T/lighttpd.conf" >"$T/logs/stdout" 2>&1 &
        pid=$!
        ;;
    esac
    # Ready when it answers (5 s at most).
    i=0
    while [ $i -lt 50 ]; do
        if curl -s -o /dev/null "http://127.0.0.1:$port/index.txt" 2>/dev/null; then
            return 0
        fi
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            pid=""
            return 1
        fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# ---- checks ----

# The Content-Usage header lines of a response, without CR.
usage_headers() {
    curl -s -D - -o /dev/null "http://127.0.0.1:$port$1" | tr -d '\r' |
        sed -n 's/^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Uu][Ss][Aa][Gg][Ee]: *//p'
}

status_of() {
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$1"
}

expect_header() { # path value
    [ "$(status_of "$1")" = 200 ] || { echo "  $1: status $(status_of "$1"), expected 200" >&2; failed=1; return; }
    got=$(usage_headers "$1")
    if [ "$got" != "$2" ]; then
        echo "  $1: Content-Usage '$got', expected exactly one '$2'" >&2
        failed=1
    else
        echo "  ok  $1  Content-Usage: $got"
    fi
}

expect_none() { # path
    [ "$(status_of "$1")" = 200 ] || { echo "  $1: status $(status_of "$1"), expected 200" >&2; failed=1; return; }
    got=$(usage_headers "$1")
    if [ -n "$got" ]; then
        echo "  $1: Content-Usage '$got', expected none (outside the declared paths)" >&2
        failed=1
    else
        echo "  ok  $1  (no Content-Usage)"
    fi
}

# run_case NAME EXPECTED-HEADER-PATHS EXPECTED-NONE-PATHS -- ccsig declare options...
run_case() {
    name=$1
    with=$2
    without=$3
    shift 4
    echo "== $server: $name: ccsig declare $*"
    snippet="$T/snippet-$name"
    "$ccsig" declare "$@" --format "$server" >"$snippet" || fail "$name: ccsig declare failed"
    value=$("$ccsig" declare "$@" --format expression) || fail "$name: no expression"
    tries=0
    while :; do
        port=$("$freeport") || fail "no free port"
        write_config "$port" "$snippet"
        check_config || fail "$name: the configuration check failed:
$(cat "$T/logs/check")"
        echo "  config check passed ($(tail -n 1 "$T/logs/check" | cut -c1-70))"
        if start_server; then
            break
        fi
        stop_server
        tries=$((tries + 1))
        [ $tries -lt 3 ] || fail "$name: the server did not start on 127.0.0.1:$port"
        echo "  port $port was taken; trying another"
    done
    echo "  serving on 127.0.0.1:$port"
    for p in $with; do expect_header "$p" "$value"; done
    for p in $without; do expect_none "$p"; done
    stop_server
    [ $failed -eq 0 ] || fail "$name: wrong headers (see above)"
}

ALL="/index.txt /collection/item.txt /collection/sub/deep.txt /a.b/x.txt /axb/x.txt
/p+(q)/f.txt /pq/f.txt /ppq/f.txt /other/x.txt /COLLECTION/item.txt /collectionX.txt"

run_case paths \
    "/collection/item.txt /collection/sub/deep.txt /a.b/x.txt /p+(q)/f.txt" \
    "/index.txt /axb/x.txt /pq/f.txt /ppq/f.txt /other/x.txt /COLLECTION/item.txt /collectionX.txt" \
    -- --use train-ai --signal cr --path /collection/ --path /a.b/ --path '/p+(q)/' \
    --party "Example Library" --party-url https://library.example.org/ --copyright holder

run_case whole-site "$ALL" "" -- --use ai-use --signal cr-ec

run_case allow-one-path "/other/x.txt" "/index.txt /collection/item.txt /a.b/x.txt" \
    -- --use search --allow --path /other/

echo "PASS ($server): configuration checked, served, headers exactly on the declared paths"
