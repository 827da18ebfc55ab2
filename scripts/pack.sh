#!/usr/bin/env bash
# Packs every shipped project of the solution, with symbols, into one folder.
#
#   scripts/pack.sh [dotnet pack args...]      e.g. scripts/pack.sh -p:VersionSuffix=preview.1
#
# The output folder is .tmp/packages (JOBRUNNERS_PACKAGES overrides it). Its packages are deleted first, so it holds
# exactly one .nupkg and one .snupkg per package of this build. The version is VersionPrefix (and VersionSuffix) in
# the root Directory.Build.props. Package validation runs as part of the pack; a failure exits non-zero.
# JOBRUNNERS_PACK_CONFIGURATION (default Release) lets the packaging tests pack the build they were run from.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

OUT="${JOBRUNNERS_PACKAGES:-$ROOT/.tmp/packages}"
CONFIGURATION="${JOBRUNNERS_PACK_CONFIGURATION:-Release}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mkdir -p "$OUT"
find "$OUT" -maxdepth 1 -type f \( -name '*.nupkg' -o -name '*.snupkg' \) -delete
dotnet pack JobRunners.sln -c "$CONFIGURATION" -o "$OUT" "$@"

count="$(find "$OUT" -maxdepth 1 -name '*.nupkg' | wc -l)"
echo "[pack] $count packages in ${OUT#"$ROOT"/}" >&2
