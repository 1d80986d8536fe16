#!/usr/bin/env bash
# Fairness benchmark: one heavy user pushing far above their configured upload rate (parallel
# uploads, as fast as loopback allows, i.e. well over 10x the rate) and LIGHT users saving 4 KiB
# files one after another. Reports the heavy user's achieved rate against the configured one
# (goal: within 5%) and the light users' p50/p99 alone and next to the heavy user (goal: p99
# moves less than 10%). The gateway runs in its standalone default (local store, embedded PG).
#
#   bench/fairness.sh                          # 4 MiB/s heavy limit, 8 light users, 30 s phases
#   RATE=8388608 LIGHT=16 PHASE_SECONDS=20 bench/fairness.sh
#
# Needs: a built jar (mvn -DskipTests package), java, curl.
set -euo pipefail

RATE=${RATE:-4194304}
LIGHT=${LIGHT:-8}
SECONDS_PER_PHASE=${PHASE_SECONDS:-30}
STREAMS=${STREAMS:-4}
FILE_BYTES=${FILE_BYTES:-2097152}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

require_jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ironsync-bench.XXXXXX")
trap cleanup EXIT

printf '# fairness: rate %s B/s, burst 256 KiB, %s light users, %s heavy streams of %s-byte files, %s s phases, machine: %s, %s cores, date %s\n' \
  "$RATE" "$LIGHT" "$STREAMS" "$FILE_BYTES" "$SECONDS_PER_PHASE" "$(uname -srm)" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"

start_gateway "$WORK/gw" 1g \
  IRONSYNC_LIMITS_USER_UPLOAD_BYTES_PER_SEC="$RATE" \
  IRONSYNC_LIMITS_USER_UPLOAD_BURST_BYTES=262144 \
  IRONSYNC_LIMITS_USER_CONCURRENT_UPLOADS="$STREAMS"
HEAVY=$(gateway_token heavy)
LIGHT_TOKENS=()
for i in $(seq 1 "$LIGHT"); do LIGHT_TOKENS+=("$(gateway_token "light-$i")"); done

java -cp "$JAR" "$ROOT/bench/Fairness.java" "http://127.0.0.1:$GW_PORT/v1/files/" \
  "$SECONDS_PER_PHASE" "$LIGHT" "$STREAMS" "$FILE_BYTES" "$HEAVY" "${LIGHT_TOKENS[@]}"
printf 'configured_bytes_per_s=%s\n' "$RATE"
stop_gateway
