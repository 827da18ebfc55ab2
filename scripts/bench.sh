#!/usr/bin/env bash
# The benchmark command: JobRunners side by side with Hangfire, Quartz, Coravel and hand-written SQL floors,
# interleaved in one run, on a PostgreSQL of its own.
#
#   scripts/bench.sh [--quick] [--only S1,S2,...] [--n N] [--peer-n N] [--workers 8,32,128] [--reps R] [--single-n N] [--no-cloud] [--telemetry on|off] [--monitor-rows N]
#   scripts/bench.sh --render-only [--quick] rewrite the report from the last (quick) run's saved results
#
# Scenarios: S1 end-to-end tracked jobs, S2 dispatch latency, S3 in-process dispatch, S4 claim latency as the queue
# grows, S5 cloud dispatch overhead, S6 statements per second of an idle worker process (default intervals), S7 monitoring API and dashboard response
# times on a large job table (--monitor-rows N; default 1,000,000, quick 200,000).
# --quick: 3 repetitions, small N, W=8 only, S6 window 30 s; writes .tmp/bench/benchmarks-quick.md.
# The full run (5 repetitions, W = 2, 8, 32, 128, S6 window 120 s) writes docs/benchmarks.md. --n / --peer-n set the
# jobs per S1 run for JobRunners and the floor / for Hangfire and Quartz (full: 3,000 / 250; quick: 200 / 40);
# --workers sets S1's W list; --reps R sets the repetitions of every figure; --single-n N the jobs per one-by-one S1 run (default: --n); --only runs some scenarios (e.g. --only S6). --telemetry on samples every JobRunners span and collects every metric through the run (default off; recorded in the report).
#
# 1. builds tests/JobRunners.Benchmarks (Release, into .tmp/bench/artifacts so that it never races other
#    builds of the repository); optional runners (postgres, aws-sqs, azure-queue) are included when they build
# 2. starts its own PostgreSQL 15 on 127.0.0.1:${BENCH_PG_PORT:-55433} (fresh data directory under .tmp/bench/,
#    pg_stat_statements loaded, utility statements tracked) and, for scenario 5, its own fauxqs
#    (127.0.0.1:${BENCH_SQS_PORT:-4576}) and Azurite (127.0.0.1:${BENCH_AZURITE_PORT:-10011})
# 3. runs every scenario; prints `BENCH <scenario> <system> <metric> <value>` lines and a table at the end;
#    a full run (no --quick) also rewrites docs/benchmarks.md
# 4. stops every server it started (also on failure or Ctrl-C); the shared test services are never touched
#
# Settings: BENCH_PG_SYNCHRONOUS_COMMIT (default off), BENCH_PG_FSYNC (default on), BENCH_PG_SHARED_BUFFERS (256MB).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.tmp/bench"
ARTIFACTS="$STATE/artifacts"
PROJECT="$ROOT/tests/JobRunners.Benchmarks/JobRunners.Benchmarks.csproj"
NODE_MODULES="$ROOT/config/node_modules"

PG_BIN="${JOBRUNNERS_PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_PORT="${BENCH_PG_PORT:-55433}"
SQS_PORT="${BENCH_SQS_PORT:-4576}"
AZURITE_PORT="${BENCH_AZURITE_PORT:-10011}"
PG_FSYNC="${BENCH_PG_FSYNC:-on}"
PG_SYNC_COMMIT="${BENCH_PG_SYNCHRONOUS_COMMIT:-off}"
PG_SHARED_BUFFERS="${BENCH_PG_SHARED_BUFFERS:-256MB}"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '[bench] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
is_root() { [[ "$(id -u)" == 0 ]]; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# PostgreSQL: same approach as scripts/services.sh (initdb/pg_ctl through runuser as root), own port and directory

pg_dir() {
    # The server runs as user postgres: it must be able to reach the directory.
    if is_root && ! runuser -u postgres -- test -x "$STATE" 2>/dev/null; then
        printf '/tmp/jobrunners-bench-%s' "$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
    else
        printf '%s/postgres' "$STATE"
    fi
}

as_pg() {
    if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

PG_STARTED=0
start_postgres() {
    [[ -x "$PG_BIN/pg_ctl" ]] || die "PostgreSQL 15 not found in $PG_BIN: run 'scripts/services.sh install'"
    stop_postgres_dir "$(pg_dir)/data" # our own leftover from an interrupted run, if any
    if port_open "$PG_PORT"; then
        die "127.0.0.1:$PG_PORT is already taken; the benchmark needs a PostgreSQL of its own (set BENCH_PG_PORT)"
    fi
    local dir data log
    dir="$(pg_dir)" data="$(pg_dir)/data" log="$(pg_dir)/server.log"
    rm -rf "$dir"
    mkdir -p "$dir"
    if is_root; then chown postgres:postgres "$dir"; fi
    say "postgres: initdb $data"
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    local opts="-c listen_addresses=127.0.0.1 -p $PG_PORT -k $dir"
    opts+=" -c fsync=$PG_FSYNC -c synchronous_commit=$PG_SYNC_COMMIT -c shared_buffers=$PG_SHARED_BUFFERS"
    opts+=" -c max_connections=300 -c max_wal_size=4GB -c checkpoint_timeout=30min"
    opts+=" -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top -c pg_stat_statements.max=10000"
    opts+=" -c pg_stat_statements.track_utility=on"
    PG_STARTED=1
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "$opts" start >/dev/null ||
        { tail -n 30 "$log" >&2; die "pg_ctl start failed"; }
    say "postgres: ready on 127.0.0.1:$PG_PORT (fsync=$PG_FSYNC synchronous_commit=$PG_SYNC_COMMIT shared_buffers=$PG_SHARED_BUFFERS)"
}

stop_postgres_dir() {
    local data="$1" pid
    [[ -f "$data/postmaster.pid" ]] || return 0
    as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -t 30 -w stop >/dev/null 2>&1 && return 0
    pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-D $data"; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
}

# ---------------------------------------------------------------------------------------------
# fauxqs and Azurite: own instances on own ports, each the leader of its own process group

NODE_GROUPS=()
GROUPS_FILE="$STATE/node-groups"

# Emulators left by an interrupted run: process groups recorded in $GROUPS_FILE whose leader still runs our command.
stop_leftover_emulators() {
    local pgid
    [[ -f "$GROUPS_FILE" ]] || return 0
    while read -r pgid; do
        if [[ "$pgid" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pgid/cmdline" 2>/dev/null | grep -qE -- "($SQS_PORT|$AZURITE_PORT)"; then
            say "stopping emulator left by an interrupted run (process group $pgid)"
            kill -TERM -- "-$pgid" 2>/dev/null || true
        fi
    done <"$GROUPS_FILE"
    rm -f "$GROUPS_FILE"
}

launch_node() {
    local name="$1" port="$2"
    shift 2
    if port_open "$port"; then
        say "$name: 127.0.0.1:$port is taken; scenario 5 skips $name"
        return 1
    fi
    (cd "$ROOT/config" && exec setsid "$@") >"$STATE/$name.log" 2>&1 </dev/null &
    NODE_GROUPS+=("$!")
    echo "$!" >>"$GROUPS_FILE"
    local i
    for ((i = 0; i < 150; i++)); do
        port_open "$port" && { say "$name: ready on 127.0.0.1:$port"; return 0; }
        sleep 0.2
    done
    say "$name: not ready after 30 s (see $STATE/$name.log); scenario 5 skips it"
    return 1
}

start_cloud_emulators() {
    stop_leftover_emulators
    if [[ ! -d "$NODE_MODULES/fauxqs" || ! -x "$NODE_MODULES/.bin/azurite-queue" ]]; then
        say "config/node_modules is missing (scripts/services.sh install): scenario 5 is skipped"
        return
    fi
    if launch_node fauxqs "$SQS_PORT" node --input-type=module \
        -e "import { startFauxqs } from 'fauxqs'; await startFauxqs({ port: $SQS_PORT, logger: false });"; then
        export BENCH_SQS_URL="http://127.0.0.1:$SQS_PORT"
    fi
    mkdir -p "$STATE/azurite"
    if launch_node azurite "$AZURITE_PORT" "$NODE_MODULES/.bin/azurite-queue" --queueHost 127.0.0.1 \
        --queuePort "$AZURITE_PORT" --location "$STATE/azurite" --skipApiVersionCheck --disableTelemetry --silent; then
        export BENCH_AZURITE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:$AZURITE_PORT/devstoreaccount1;"
    fi
}

cleanup() {
    trap '' INT HUP TERM
    local pgid
    for pgid in "${NODE_GROUPS[@]}"; do
        kill -TERM -- "-$pgid" 2>/dev/null || true
    done
    if ((PG_STARTED)); then
        say "stopping postgres"
        stop_postgres_dir "$(pg_dir)/data"
    fi
    sleep 0.5
    for pgid in "${NODE_GROUPS[@]}"; do
        kill -KILL -- "-$pgid" 2>/dev/null || true
    done
    rm -f "$GROUPS_FILE"
}

# ---------------------------------------------------------------------------------------------
# build: optional runners are compiled in when they build

OPTIONAL_RUNNERS=(PostgreSql AwsSqs AzureQueue)
build() {
    local props=() name
    for name in "${OPTIONAL_RUNNERS[@]}"; do
        [[ -f "$ROOT/runners/JobRunners.Runners.$name/JobRunners.Runners.$name.csproj" ]] || continue
        # The PostgreSQL runner counts once its tests exist too.
        if [[ "$name" == PostgreSql && ! -d "$ROOT/tests/JobRunners.Runners.PostgreSql.Tests" ]]; then continue; fi
        props+=("-p:BenchWith$name=true")
    done
    say "build (Release) ${props[*]}"
    if dotnet build "$PROJECT" -c Release --artifacts-path "$ARTIFACTS" -nologo -v q "${props[@]}" >"$STATE/build.log" 2>&1; then
        return
    fi
    say "build with every optional runner failed; probing each runner"
    local keep=() prop
    for prop in "${props[@]}"; do
        name="${prop#-p:BenchWith}" name="${name%=true}"
        if dotnet build "$ROOT/runners/JobRunners.Runners.$name/JobRunners.Runners.$name.csproj" -c Release \
            --artifacts-path "$ARTIFACTS" -nologo -v q >"$STATE/build-$name.log" 2>&1; then
            keep+=("$prop")
        else
            say "runner $name does not build now (see .tmp/bench/build-$name.log): measured without it"
        fi
    done
    dotnet build "$PROJECT" -c Release --artifacts-path "$ARTIFACTS" -nologo -v q "${keep[@]}" >"$STATE/build.log" 2>&1 ||
        { tail -n 40 "$STATE/build.log" >&2; die "the benchmark project does not build"; }
}

main() {
    mkdir -p "$STATE"
    local started=$SECONDS
    build
    if [[ " $* " == *" --render-only "* ]]; then
        # Rewrites the report from .tmp/bench/last-results.json; no server needed.
        dotnet "$(find "$ARTIFACTS/bin/JobRunners.Benchmarks" -name JobRunners.Benchmarks.dll -path '*release*' | head -n 1)" "$@"
        return
    fi
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 141' PIPE
    start_postgres
    if [[ " $* " != *" --no-cloud "* ]]; then start_cloud_emulators; fi
    export BENCH_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
    export BENCH_REPO="$ROOT"
    local dll
    dll="$(find "$ARTIFACTS/bin/JobRunners.Benchmarks" -name JobRunners.Benchmarks.dll -path '*release*' | head -n 1)"
    [[ -n "$dll" ]] || die "JobRunners.Benchmarks.dll not found under $ARTIFACTS/bin"
    (cd "$STATE" && dotnet "$dll" "$@") 2>&1 | tee "$STATE/last-run.log"
    local rc="${PIPESTATUS[0]}"
    say "total (build, servers, run): $((SECONDS - started)) s"
    return "$rc"
}

main "$@"
