#!/usr/bin/env bash
# Local services for the JobRunners test suite: PostgreSQL 15, Azurite (queues), fauxqs (SQS)
# and serverless-offline (Lambda Invoke API). Everything binds to 127.0.0.1 only.
#
#   scripts/services.sh install            install what is missing (postgresql-15, curl, config/node_modules)
#   scripts/services.sh start [names...]   start (default: all), wait until ready; already running is fine
#   scripts/services.sh stop  [names...]   stop what this script started (default: all)
#   scripts/services.sh status [names...]  show state; exit 1 when one is not ready
#   scripts/services.sh env                print `export` lines for the tests
#   scripts/services.sh clean              stop all and delete .tmp/services/
#
# Names: postgres azurite fauxqs lambda. State (data, pid files, logs) lives in .tmp/services/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.tmp/services"
LOGS="$STATE/logs"
CONFIG_DIR="$ROOT/config"
NODE_MODULES="$CONFIG_DIR/node_modules"
LAMBDA_DIR="$ROOT/scripts/lambda-local"

ALL_SERVICES=(postgres azurite fauxqs lambda)
LAUNCH_ORDER=(lambda azurite fauxqs postgres)      # slowest first: they start in parallel
READY_TIMEOUT="${JOBRUNNERS_SERVICE_TIMEOUT:-60}"   # seconds, per service

PG_BIN="${JOBRUNNERS_PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_PORT="${JOBRUNNERS_PG_PORT:-55432}"
AZURITE_PORT=10001
SQS_PORT=4566
LAMBDA_PORT=3002                                    # must match scripts/lambda-local/serverless.yml
LAMBDA_FUNCTION=jobrunners-test-worker
FORWARD_URL="${JOBRUNNERS_LAMBDA_FORWARD_URL:-http://127.0.0.1:55980/invoke}"
AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:${AZURITE_PORT}/devstoreaccount1;"

# ---------------------------------------------------------------------------------------------
# helpers

say() { printf '[services] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
is_root() { [[ "$(id -u)" == 0 ]]; }

check_names() {
    local name
    for name in "$@"; do
        case " ${ALL_SERVICES[*]} " in
            *" $name "*) ;;
            *) die "unknown service '$name' (known: ${ALL_SERVICES[*]})" ;;
        esac
    done
}

# TCP connect probe on 127.0.0.1.
port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Prints the response headers of one HTTP request (curl args follow); empty on failure.
http_headers() {
    curl -s -o /dev/null -D - --max-time 3 "$@" 2>/dev/null || true
}

log_file() {
    # postgres writes its own log as user postgres, so it lives in its (postgres-owned) directory
    if [[ "$1" == postgres ]]; then printf '%s/server.log' "$(pg_dir)"; else printf '%s/%s.log' "$LOGS" "$1"; fi
}
pid_file() { printf '%s/%s.pid' "$STATE" "$1"; }
tag_of() { printf '%s/%s' "$STATE" "$1"; }

show_log_tail() {
    local file
    file="$(log_file "$1")"
    if [[ -s "$file" ]]; then
        say "last lines of $file:"
        tail -n 40 "$file" | sed 's/^/    | /' >&2
    else
        say "($file is empty or missing)"
    fi
}

# ---------------------------------------------------------------------------------------------
# node services: started with setsid so each is the leader of its own process group; the group id
# is kept in .tmp/services/<name>.pid, and every process carries JOBRUNNERS_SERVICE_TAG so that a
# stale pid file can never make us kill somebody else's process.

# Prints the process group id of our running service, or fails.
owned_group() {
    local file pgid member
    file="$(pid_file "$1")"
    [[ -s "$file" ]] || return 1
    pgid="$(<"$file")"
    [[ "$pgid" =~ ^[0-9]+$ ]] || return 1
    for member in $(pgrep -g "$pgid" 2>/dev/null || true); do
        if tr '\0' '\n' <"/proc/$member/environ" 2>/dev/null \
            | grep -qxF "JOBRUNNERS_SERVICE_TAG=$(tag_of "$1")"; then
            echo "$pgid"
            return 0
        fi
    done
    return 1
}

# launch NAME DIR COMMAND... : start COMMAND in DIR as a new process group, output to the log.
launch() {
    local name="$1" dir="$2"
    shift 2
    : >"$(log_file "$name")"
    (
        cd "$dir"
        export JOBRUNNERS_SERVICE_TAG
        JOBRUNNERS_SERVICE_TAG="$(tag_of "$name")"
        exec setsid "$@"
    ) >>"$(log_file "$name")" 2>&1 </dev/null &
    echo "$!" >"$(pid_file "$name")"
}

# stop_groups NAME... : SIGTERM the process groups of these services, SIGKILL what is left after 10 s.
stop_groups() {
    local name pgid i pgids=()
    for name in "$@"; do
        if pgid="$(owned_group "$name")"; then
            say "stopping $name (process group $pgid)"
            kill -TERM -- "-$pgid" 2>/dev/null || true
            pgids+=("$pgid")
        fi
        rm -f "$(pid_file "$name")"
    done
    for ((i = 0; i < 50; i++)); do
        groups_alive "${pgids[@]}" || return 0
        sleep 0.2
    done
    for pgid in "${pgids[@]}"; do
        if kill -0 -- "-$pgid" 2>/dev/null; then
            say "process group $pgid did not stop in 10 s: SIGKILL"
            kill -KILL -- "-$pgid" 2>/dev/null || true
        fi
    done
}

groups_alive() {
    local pgid
    for pgid in "$@"; do
        kill -0 -- "-$pgid" 2>/dev/null && return 0
    done
    return 1
}

require_node_modules() {
    [[ -x "$NODE_MODULES/.bin/azurite-queue" && -d "$NODE_MODULES/fauxqs" && -d "$NODE_MODULES/serverless-offline" ]] ||
        die "config/node_modules is missing: run 'scripts/services.sh install' (or 'npm ci' in config/)"
}

# ---------------------------------------------------------------------------------------------
# postgres (pg_ctl daemonizes it; we own it when our data directory has a live postmaster)

pg_dir() {
    # The server runs as user postgres: it must be able to reach the repo's .tmp/services.
    if is_root && ! runuser -u postgres -- test -x "$STATE" 2>/dev/null; then
        printf '/tmp/jobrunners-services-%s/postgres' "$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
    else
        printf '%s/postgres' "$STATE"
    fi
}
pg_data() { printf '%s/data' "$(pg_dir)"; }

# Unix socket directory: the data directory, unless its path is too long for a socket name.
pg_socket_dir() {
    local dir
    dir="$(pg_data)"
    if (( ${#dir} + 20 > 100 )); then
        dir="/tmp/jobrunners-pg-$PG_PORT"
    fi
    printf '%s' "$dir"
}

as_pg() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

pg_owned() {
    [[ -f "$(pg_data)/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" -D "$(pg_data)" status >/dev/null 2>&1
}

ready_postgres() {
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1
}

launch_postgres() {
    [[ -x "$PG_BIN/pg_ctl" ]] || die "PostgreSQL 15 not found in $PG_BIN: run 'scripts/services.sh install'"
    local dir data sockets log
    dir="$(pg_dir)" data="$(pg_data)" sockets="$(pg_socket_dir)" log="$(log_file postgres)"
    mkdir -p "$dir"
    : >"$log"
    if is_root; then chown postgres:postgres "$dir" "$log"; fi
    if [[ "$sockets" != "$data" ]]; then
        mkdir -p "$sockets"
        if is_root; then chown postgres:postgres "$sockets"; fi
    fi
    if [[ ! -s "$data/PG_VERSION" ]]; then
        rm -rf "$data"
        say "postgres: initdb $data"
        as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >>"$log" 2>&1 ||
            { show_log_tail postgres; die "initdb failed"; }
    fi
    local opts="-c listen_addresses=127.0.0.1 -p $PG_PORT -k $sockets"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    # -W: do not wait here; wait_ready probes the port (all services start in parallel).
    # shellcheck disable=SC2094 # pg_ctl and the server both append to the log on purpose
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$log" -W -o "$opts" start >>"$log" 2>&1 ||
        { show_log_tail postgres; die "pg_ctl start failed"; }
}

stop_postgres() {
    local data pid
    data="$(pg_data)"
    [[ -f "$data/postmaster.pid" ]] || return 0
    if pg_owned; then
        say "stopping postgres ($data)"
        as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -t 20 -w stop >/dev/null 2>&1 && return 0
    fi
    # half-started or stuck: kill the postmaster named in postmaster.pid, if it is ours
    pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-D $data"; then
        say "killing postgres postmaster $pid"
        kill -KILL "$pid" 2>/dev/null || true
    fi
}

warn_if_foreign_postgres_is_small() {
    local max
    max="$(PGCONNECT_TIMEOUT=3 "$PG_BIN/psql" -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atc 'show max_connections' 2>/dev/null || true)"
    if [[ "$max" =~ ^[0-9]+$ ]] && (( max < 300 )); then
        say "warning: that server has max_connections=$max (tests run in parallel; 300 recommended)"
    fi
}

# ---------------------------------------------------------------------------------------------
# azurite (Azure Storage queues)

ready_azurite() {
    http_headers "http://127.0.0.1:$AZURITE_PORT/devstoreaccount1?comp=list" | grep -qi '^server: *azurite'
}

launch_azurite() {
    require_node_modules
    mkdir -p "$STATE/azurite"
    launch azurite "$CONFIG_DIR" "$NODE_MODULES/.bin/azurite-queue" \
        --queueHost 127.0.0.1 --queuePort "$AZURITE_PORT" --location "$STATE/azurite" \
        --skipApiVersionCheck --disableTelemetry --silent
}

# ---------------------------------------------------------------------------------------------
# fauxqs (AWS SQS, JSON protocol). It binds 0.0.0.0 (hard-coded); clients use 127.0.0.1 only.

ready_fauxqs() {
    http_headers -X POST "http://127.0.0.1:$SQS_PORT/" \
        -H 'X-Amz-Target: AmazonSQS.ListQueues' -H 'Content-Type: application/x-amz-json-1.0' -d '{}' \
        | grep -qi '^HTTP/[0-9.]* 200'
}

launch_fauxqs() {
    require_node_modules
    # cwd config/ so that `import "fauxqs"` resolves; its CLI forces request logging, hence node -e.
    launch fauxqs "$CONFIG_DIR" node --input-type=module \
        -e "import { startFauxqs } from 'fauxqs'; await startFauxqs({ port: $SQS_PORT, logger: false });"
}

# ---------------------------------------------------------------------------------------------
# lambda (serverless-offline Invoke API; handler.js forwards each invocation to FORWARD_URL)

ready_lambda() {
    # A DryRun answers without running the handler: 404 would mean the function is not there.
    local headers
    headers="$(http_headers -X POST -H 'X-Amz-Invocation-Type: DryRun' -d '{}' \
        "http://127.0.0.1:$LAMBDA_PORT/2015-03-31/functions/$LAMBDA_FUNCTION/invocations")"
    [[ -n "$headers" ]] && ! grep -qi '^HTTP/[0-9.]* 404' <<<"$headers"
}

launch_lambda() {
    require_node_modules
    # serverless resolves the serverless-offline plugin from its own node_modules (config/);
    # log-async-errors.cjs keeps the server alive when an async (Event) invocation fails.
    launch lambda "$LAMBDA_DIR" env \
        SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off SLS_DEPRECATION_DISABLE='*' \
        AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
        JOBRUNNERS_LAMBDA_FORWARD_URL="$FORWARD_URL" \
        node -r "$LAMBDA_DIR/log-async-errors.cjs" "$NODE_MODULES/serverless/bin/serverless.js" offline start
}

# ---------------------------------------------------------------------------------------------
# generic service operations

service_port() {
    case "$1" in
        postgres) echo "$PG_PORT" ;;
        azurite) echo "$AZURITE_PORT" ;;
        fauxqs) echo "$SQS_PORT" ;;
        lambda) echo "$LAMBDA_PORT" ;;
    esac
}

is_ours() {
    if [[ "$1" == postgres ]]; then pg_owned; else owned_group "$1" >/dev/null; fi
}

stop_service() {
    if [[ "$1" == postgres ]]; then stop_postgres; else stop_groups "$1"; fi
}

# Starts one service without waiting; adds it to PENDING when the caller must wait for it.
PENDING=()
begin_start() {
    local name="$1" port
    port="$(service_port "$name")"
    if is_ours "$name"; then
        say "$name: already running (started by this script)"
        PENDING+=("$name")
        return
    fi
    if "ready_$name"; then
        say "$name: something already serves 127.0.0.1:$port; reusing it (stop will leave it alone)"
        if [[ "$name" == postgres ]]; then warn_if_foreign_postgres_is_small; fi
        return
    fi
    if port_open "$port"; then
        die "$name: port $port is taken by something that does not answer like $name"
    fi
    stop_service "$name" # leftovers of a half-started run
    say "$name: starting on 127.0.0.1:$port"
    "launch_$name"
    PENDING+=("$name")
}

fail_service() {
    show_log_tail "$1"
    stop_service "$1"
    die "$2"
}

wait_ready() {
    local name="$1" start=$SECONDS
    while ! "ready_$name"; do
        # give a fresh process 2 s to show up (pg_ctl -W returns before postmaster.pid exists)
        if (( SECONDS - start >= 2 )) && ! is_ours "$name"; then
            fail_service "$name" "$name exited before it was ready"
        fi
        if (( SECONDS - start >= READY_TIMEOUT )); then
            fail_service "$name" "$name not ready after ${READY_TIMEOUT}s"
        fi
        sleep 0.2
    done
    say "$name: ready on 127.0.0.1:$(service_port "$name") ($((SECONDS - start))s)"
}

cmd_start() {
    local names=("$@") name
    ((${#names[@]})) || names=("${ALL_SERVICES[@]}")
    check_names "${names[@]}"
    command -v curl >/dev/null || die "curl is required: run 'scripts/services.sh install'"
    mkdir -p "$STATE" "$LOGS"
    for name in "${LAUNCH_ORDER[@]}"; do
        case " ${names[*]} " in *" $name "*) begin_start "$name" ;; esac
    done
    for name in "${PENDING[@]}"; do
        wait_ready "$name"
    done
}

cmd_stop() {
    local names=("$@") name
    trap '' INT HUP # a Ctrl-C that reaches us too must not cut the clean-up short
    ((${#names[@]})) || names=("${ALL_SERVICES[@]}")
    check_names "${names[@]}"
    local groups=()
    for name in "${names[@]}"; do
        if [[ "$name" == postgres ]]; then stop_postgres; else groups+=("$name"); fi
    done
    stop_groups "${groups[@]}"
}

cmd_status() {
    local names=("$@") name state rc=0
    ((${#names[@]})) || names=("${ALL_SERVICES[@]}")
    check_names "${names[@]}"
    for name in "${names[@]}"; do
        if is_ours "$name"; then state="started by this script"; else state="not started by this script"; fi
        if "ready_$name"; then
            printf '%-9s ready on 127.0.0.1:%-5s (%s)\n' "$name" "$(service_port "$name")" "$state"
        else
            printf '%-9s NOT ready on 127.0.0.1:%-5s (%s)\n' "$name" "$(service_port "$name")" "$state"
            rc=1
        fi
    done
    return "$rc"
}

cmd_env() {
    local -a vars=(
        "JOBRUNNERS_TEST_POSTGRES=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
        "JOBRUNNERS_TEST_AZURITE=$AZURITE_CONNECTION_STRING"
        "JOBRUNNERS_TEST_SQS_URL=http://127.0.0.1:$SQS_PORT"
        "JOBRUNNERS_TEST_LAMBDA_URL=http://127.0.0.1:$LAMBDA_PORT"
        "JOBRUNNERS_LAMBDA_FORWARD_URL=$FORWARD_URL"
        "AWS_ACCESS_KEY_ID=test"
        "AWS_SECRET_ACCESS_KEY=test"
        "AWS_REGION=us-east-1"
    )
    local var
    for var in "${vars[@]}"; do
        printf "export %s='%s'\n" "${var%%=*}" "${var#*=}"
    done
}

cmd_clean() {
    cmd_stop
    local pg
    pg="$(pg_dir)"
    rm -rf "$pg" "$STATE"
    rmdir "$(dirname "$pg")" 2>/dev/null || true
    say "removed $STATE"
}

# Installs what is missing: postgresql-15, curl and chromium (apt; the dashboard's browser tests drive Debian's
# chromium through Microsoft.Playwright, which cannot download a browser here), config/node_modules (npm ci).
cmd_install() {
    local apt_packages=()
    [[ -x "$PG_BIN/pg_ctl" ]] || apt_packages+=(postgresql-15)
    command -v curl >/dev/null || apt_packages+=(curl)
    [[ -x "${JOBRUNNERS_CHROMIUM:-/usr/bin/chromium}" ]] || apt_packages+=(chromium)
    if ((${#apt_packages[@]})); then
        local sudo=()
        is_root || sudo=(sudo -n)
        say "apt-get install ${apt_packages[*]}"
        "${sudo[@]}" apt-get update -q
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${apt_packages[@]}"
    fi
    if [[ ! -f "$NODE_MODULES/.package-lock.json" || "$CONFIG_DIR/package-lock.json" -nt "$NODE_MODULES/.package-lock.json" ]]; then
        say "npm ci in config/"
        (cd "$CONFIG_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}

usage() {
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
    local cmd="${1:-}"
    (($#)) && shift
    case "$cmd" in
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        status) cmd_status "$@" ;;
        env) cmd_env ;;
        install) cmd_install ;;
        clean) cmd_clean ;;
        -h | --help | help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

main "$@"
