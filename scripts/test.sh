#!/usr/bin/env bash
# The project's one test command (CI runs it through .ci/run).
#
#   scripts/test.sh [dotnet test args...]      e.g. scripts/test.sh --filter "FullyQualifiedName~Sqs"
#
# 1. install what is missing (postgresql-15 and chromium via apt, config/node_modules via npm ci)
# 2. start the local services (scripts/services.sh) and stop them again on exit, failure or Ctrl-C
# 3. dotnet test $JOBRUNNERS_TEST_TARGET (default JobRunners.sln) -c Release with a TRX logger
# 4. print the phase timings, then as the last line "N passed, N failed[, N skipped]"
#
# Exit code: non-zero when dotnet test failed, any test failed, or no test ran.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SERVICES="$ROOT/scripts/services.sh"
TARGET="${JOBRUNNERS_TEST_TARGET:-JobRunners.sln}"
if [[ -z "${JOBRUNNERS_TEST_TARGET:-}" && ! -e "$TARGET" && -e JobRunners.slnx ]]; then
    TARGET=JobRunners.slnx
fi
RESULTS="$ROOT/.tmp/test-results"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '[test] %s\n' "$*" >&2; }

TIMINGS=()
PHASE_NAME="" PHASE_START=0
phase() {
    end_phase
    PHASE_NAME="$1" PHASE_START="$(date +%s%N)"
    say "== $1"
}
end_phase() {
    if [[ -n "$PHASE_NAME" ]]; then
        local ms=$((($(date +%s%N) - PHASE_START) / 1000000))
        TIMINGS+=("$(printf '%-9s %4d.%01d s' "$PHASE_NAME" $((ms / 1000)) $((ms % 1000 / 100)))")
        PHASE_NAME=""
    fi
}

SERVICES_UP=0
stop_services() {
    if ((SERVICES_UP)); then
        if "$SERVICES" stop; then
            SERVICES_UP=0
        else
            say "warning: stopping the services failed"
        fi
    fi
}
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Sums the counters of every .trx file under $1 and prints "passed failed skipped".
count_trx_results() {
    node - "$1" <<'EOF'
const fs = require('fs');
const path = require('path');
const files = [];
const walk = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith('.trx')) files.push(full);
  }
};
if (fs.existsSync(process.argv[2])) walk(process.argv[2]);
let passed = 0, failed = 0, skipped = 0;
for (const file of files) {
  const counters = /<Counters\b([^>]*)\/?>/.exec(fs.readFileSync(file, 'utf8'));
  if (!counters) { failed++; continue; } // a run that wrote no counters is not a pass
  const n = (name) => Number((new RegExp(`\\b${name}="(\\d+)"`).exec(counters[1]) || [0, 0])[1]);
  const bad = n('failed') + n('error') + n('timeout') + n('aborted');
  passed += n('passed');
  failed += bad;
  skipped += Math.max(0, n('total') - n('passed') - bad);
}
console.log(`${passed} ${failed} ${skipped}`);
EOF
}

main() {
    phase install
    "$SERVICES" install

    phase services
    SERVICES_UP=1
    "$SERVICES" start
    eval "$("$SERVICES" env)"

    phase tests
    rm -rf "$RESULTS"
    mkdir -p "$RESULTS"
    local rc=0
    dotnet test "$TARGET" -c Release --logger "trx" --results-directory "$RESULTS" "$@" || rc=$?
    end_phase

    # stop now, so that the summary below stays the last line of the output
    stop_services

    local passed failed skipped summary
    read -r passed failed skipped < <(count_trx_results "$RESULTS")
    say "timings:"
    printf '  %s\n' "${TIMINGS[@]}" >&2
    if ((rc != 0)); then say "dotnet test exited with $rc"; fi
    if ((passed + failed == 0)); then say "no test ran"; fi

    summary="$passed passed, $failed failed"
    ((skipped == 0)) || summary+=", $skipped skipped"
    echo "$summary"

    if ((rc != 0 || failed != 0 || passed + failed == 0)); then
        exit 1
    fi
}

main "$@"
