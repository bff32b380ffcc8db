# Throwaway PostgreSQL and Redis servers for the test suite. Source it after scripts/lib.sh.
# shellcheck shell=bash
#
#   SERVICES_DIR=$(mktemp -d)      # everything lives (and dies) here
#   start_postgres   -> exports DATABASE_URL_POSTGRES=postgres://crm@127.0.0.1:PORT/crm
#   start_redis      -> exports REDIS_URL=redis://127.0.0.1:PORT/0
#   stop_services    # stops both (safe to call several times, even if nothing started)

PG_PORT_START="${PG_PORT_START:-55432}"
REDIS_PORT_START="${REDIS_PORT_START:-56379}"

_PG_DATA=""
_PG_BIN=""
_REDIS_PORT=""
_REDIS_PIDFILE=""

_pg_bindir() {
    local dir
    dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
    if [[ -z "$dir" ]] && command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir)"
    fi
    if [[ -z "$dir" ]] && command -v initdb >/dev/null 2>&1; then
        dir="$(dirname "$(command -v initdb)")"
    fi
    [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] || die "PostgreSQL server binaries not found"
    printf '%s\n' "$dir"
}

# PostgreSQL refuses to run as root: when root, run its server commands as the postgres user.
_as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

start_postgres() {
    [[ -n "${SERVICES_DIR:-}" ]] || die "SERVICES_DIR is not set"
    _PG_BIN="$(_pg_bindir)"
    local pgdir="$SERVICES_DIR/postgres"
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "the postgres system user does not exist"
        chmod 755 "$SERVICES_DIR"
        install -d -o postgres -g postgres -m 700 "$pgdir"
    else
        install -d -m 700 "$pgdir"
    fi
    _PG_DATA="$pgdir/data"

    info "PostgreSQL $("$_PG_BIN/postgres" --version | awk '{print $3}') in $_PG_DATA"
    local locale_opt=(--locale=C.UTF-8)
    if ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
        locale_opt=(--no-locale)
    fi
    _as_pg "$_PG_BIN/initdb" --pgdata="$_PG_DATA" --auth=trust --username=crm --encoding=UTF8 \
        "${locale_opt[@]}" --nosync >"$pgdir/initdb.log" 2>&1 ||
        { cat "$pgdir/initdb.log" >&2; die "initdb failed"; }

    local attempt port
    for attempt in 1 2 3 4 5; do
        port="$(free_port "$PG_PORT_START")"
        if _as_pg "$_PG_BIN/pg_ctl" --pgdata="$_PG_DATA" --log="$pgdir/postgres.log" --wait --timeout=60 \
            -o "-h 127.0.0.1 -p $port -k $_PG_DATA -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off" start >/dev/null; then
            break
        fi
        warn "PostgreSQL did not start on port $port (attempt $attempt)"
        tail -n 20 "$pgdir/postgres.log" >&2 || true
        port=""
        PG_PORT_START=$((PG_PORT_START + 7))
    done
    [[ -n "$port" ]] || die "could not start PostgreSQL"

    local i
    for i in $(seq 1 60); do
        "$_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U crm -d postgres && break
        [[ $i -eq 60 ]] && die "PostgreSQL is not ready on port $port"
        sleep 0.5
    done
    "$_PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U crm crm
    export DATABASE_URL_POSTGRES="postgres://crm@127.0.0.1:$port/crm"
    info "PostgreSQL ready: $DATABASE_URL_POSTGRES"
}

stop_postgres() {
    [[ -n "$_PG_DATA" && -f "$_PG_DATA/postmaster.pid" ]] || return 0
    local pid
    pid="$(head -n 1 "$_PG_DATA/postmaster.pid" 2>/dev/null || true)"
    _as_pg "$_PG_BIN/pg_ctl" --pgdata="$_PG_DATA" --mode=immediate --wait --timeout=30 stop \
        >/dev/null 2>&1 || true
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    _PG_DATA=""
}

start_redis() {
    [[ -n "${SERVICES_DIR:-}" ]] || die "SERVICES_DIR is not set"
    command -v redis-server >/dev/null 2>&1 || die "redis-server not found"
    local rdir="$SERVICES_DIR/redis" attempt port i
    install -d -m 700 "$rdir"
    _REDIS_PIDFILE="$rdir/redis.pid"
    for attempt in 1 2 3 4 5; do
        port="$(free_port "$REDIS_PORT_START")"
        redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
            --dir "$rdir" --pidfile "$_REDIS_PIDFILE" --logfile "$rdir/redis.log" >/dev/null
        for i in $(seq 1 40); do
            if [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]] &&
                [[ -s "$_REDIS_PIDFILE" ]]; then
                _REDIS_PORT="$port"
                break 2
            fi
            sleep 0.25
        done
        warn "Redis did not start on port $port (attempt $attempt)"
        tail -n 20 "$rdir/redis.log" >&2 || true
        REDIS_PORT_START=$((REDIS_PORT_START + 7))
    done
    [[ -n "$_REDIS_PORT" ]] || die "could not start Redis"
    export REDIS_URL="redis://127.0.0.1:$_REDIS_PORT/0"
    info "Redis $(redis-server --version | grep -o 'v=[^ ]*' | cut -d= -f2) ready: $REDIS_URL"
}

stop_redis() {
    [[ -n "$_REDIS_PIDFILE" ]] || return 0
    local pid="" i
    [[ -s "$_REDIS_PIDFILE" ]] && pid="$(cat "$_REDIS_PIDFILE" 2>/dev/null || true)"
    if [[ -n "$_REDIS_PORT" ]]; then
        redis-cli -h 127.0.0.1 -p "$_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    fi
    if [[ -n "$pid" ]]; then
        for i in $(seq 1 20); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    _REDIS_PIDFILE=""
    _REDIS_PORT=""
}

stop_services() {
    stop_redis || true
    stop_postgres || true
}
