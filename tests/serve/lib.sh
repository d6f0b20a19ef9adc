# Helpers shared by the shell end-to-end tests of ccsig serve (matrix.sh,
# terms.sh): a temporary directory, the database (SQLite, or a PostgreSQL
# cluster of the test's own on 127.0.0.1, started with initdb and pg_ctl
# from Debian's postgresql and stopped at exit), a real gateway on
# 127.0.0.1, and counted expectations. Nothing here talks to any address but
# loopback. Source it after setting BACKEND (sqlite or postgresql).
: "${CCSIG:?CCSIG (the ccsig binary) is not set: run through ctest}"
DIR=$(mktemp -d /tmp/ccsig-serve-sh-XXXXXX)
SERVER_PID='' PG_DATA='' PGBIN='' FAILS=0 CHECKS=0 U=''

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_gateway() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    SERVER_PID=''
}

# Web Bot Auth signature agents (wba.sh, paycrawl.sh): wba_agent.py, an
# independent signer, and the key directories it serves on 127.0.0.1.
AGENT="python3 $(dirname "${BASH_SOURCE[0]}")/wba_agent.py"
DIRPIDS=()
stop_directories() {
    for p in "${DIRPIDS[@]}"; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    DIRPIDS=()
}
# start_directory NAME KEYFILE...: serve the keys' directory; sets PORT_<NAME>.
start_directory() {
    local name=$1
    shift
    $AGENT directory "$DIR/$name.port" "$@" 2>>"$DIR/directory.log" &
    DIRPIDS+=($!)
    for _ in $(seq 100); do [ -s "$DIR/$name.port" ] && break; sleep 0.1; done
    [ -s "$DIR/$name.port" ] || { echo "directory $name did not start"; cat "$DIR/directory.log"; exit 1; }
    eval "PORT_$name=$(cat "$DIR/$name.port")"
}
# sign KEYNAME AGENT [OPTIONS]: curl arguments for a request to AUTHORITY
# signed with $DIR/KEYNAME.key as AGENT, into the array SIG.
sign() { mapfile -t SIG < <($AGENT sign "$DIR/$1.key" "$AUTHORITY" "$2" "${@:3}"); }

cleanup() {
    stop_gateway
    stop_directories
    [ -n "$PG_DATA" ] && as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1
    rm -rf "$DIR"
}
trap cleanup EXIT

fail() {
    FAILS=$((FAILS + 1))
    echo "FAIL: $*"
}

# expect WHAT GOT WANT
expect() {
    CHECKS=$((CHECKS + 1))
    [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# The database for BACKEND: sets DB.
start_db() {
    if [ "$BACKEND" = postgresql ]; then
        PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
        if [ ! -x "$PGBIN/initdb" ]; then
            echo "PostgreSQL server binaries not found (scripts/bootstrap installs postgresql)"
            exit 1
        fi
        [ "$(id -u)" = 0 ] && chown postgres "$DIR"
        PG_DATA=$DIR/pgdata
        as_pg "$PGBIN/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 --no-sync >/dev/null || exit 1
        local port
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
        as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$DIR/postgres.log" -w -t 60 \
            -o "-p $port -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null || exit 1
        DB="postgresql://postgres@127.0.0.1:$port/postgres"
    else
        DB="sqlite:$DIR/serve.db"
    fi
}

# Start a gateway (ccsig serve ARGS... on 127.0.0.1, any port): sets U and
# SERVER_PID once it says where it listens.
start_gateway() {
    : >"$DIR/out"
    "$CCSIG" serve --db "$DB" ${GATEWAY_QUIET---quiet} --listen 127.0.0.1:0 "$@" >"$DIR/out" 2>"$DIR/err" &
    SERVER_PID=$!
    U=''
    for _ in $(seq 300); do
        U=$(sed -n 's|^listening on \(http://[^/]*\)/.*|\1|p' "$DIR/out")
        [ -n "$U" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "the gateway did not start:"
    cat "$DIR/err"
    exit 1
}

BROWSER=(-A 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' -H 'Accept-Language: en')
BOT=(-A 'ServeTestBot/1.0 (+https://bot.example/)')

# "STATUS CLASS" of a request (curl arguments).
status_class() {
    curl -s -o /dev/null -D "$DIR/h" -w '%{http_code}' "$@" >"$DIR/code"
    printf '%s %s' "$(cat "$DIR/code")" "$(tr -d '\r' <"$DIR/h" | sed -n 's/^X-Access-Class: //Ip' | head -1)"
}

# Log the steward in (a password set with --set-password): cookie jar in
# $DIR/jar, CSRF token in CSRF.
steward_login() { # NAME PASSWORD
    local login token
    login=$(curl -s -c "$DIR/jar" "${BROWSER[@]}" "$U/steward/login")
    token=$(printf '%s' "$login" | sed -n 's/.*name="login_token" value="\([^"]*\)".*/\1/p')
    curl -s -o /dev/null -b "$DIR/jar" -c "$DIR/jar" "${BROWSER[@]}" -d "login_token=$token" \
        -d "name=$1" --data-urlencode "password=$2" "$U/steward/login"
    CSRF=$(curl -s -b "$DIR/jar" "${BROWSER[@]}" "$U/steward/" |
        sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
    [ -n "$CSRF" ] || fail "steward login"
}

# A steward page (after steward_login).
steward_get() { curl -s -b "$DIR/jar" "${BROWSER[@]}" "$U$1"; }

# A steward action on a reuser: prints the status.
steward_act() { # ID ACTION
    curl -s -o /dev/null -w '%{http_code}' -b "$DIR/jar" "${BROWSER[@]}" -d "csrf=$CSRF" \
        "$U/steward/reusers/$1/$2"
}

# The end: a summary line and the exit status.
finish() {
    echo "$1: $CHECKS checks, $FAILS failed"
    [ "$FAILS" = 0 ]
}
