#!/usr/bin/env bash
# Large-upload benchmark.
#
# Uploads the same file with the same client (curl) twice per run: over h2c through the gateway,
# and straight to the same S3 server (s3proxy, SigV4). Prints both rates, their ratio, and the
# gateway's peak heap and peak RSS. Optionally repeats for several HTTP/2 stream windows.
#
#   bench/large-upload.sh                         # 1 GiB, 3 runs, default window
#   SIZE_MIB=512 RUNS=5 bench/large-upload.sh
#   WINDOWS="64KiB 256KiB 1MiB 4MiB" bench/large-upload.sh
#   MODES="length stream" bench/large-upload.sh   # stream = no Content-Length (multipart path)
#
# Needs: a built jar (mvn -DskipTests package), curl, java. Traffic stays on 127.0.0.1.
set -euo pipefail

SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
WINDOWS=${WINDOWS:-default}
MODES=${MODES:-length}
HEAP=${HEAP:-512m}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

require_jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ironsync-bench.XXXXXX")
trap cleanup EXIT

start_s3proxy "$WORK"
make_bucket gateway-blobs
make_bucket direct

BODY="$WORK/body.bin"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$BODY"

mib_per_s() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.1f", b / t / 1048576 }'; }

printf '\n# large upload: %s MiB, %s runs, machine: %s, %s cores, date %s\n' \
  "$SIZE_MIB" "$RUNS" "$(uname -srm)" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"

for window in $WINDOWS; do
  extra_env=()
  [ "$window" != default ] && extra_env=(IRONSYNC_HTTP_H2_STREAM_WINDOW="$window" IRONSYNC_HTTP_H2_CONNECTION_WINDOW="$(bigger_window "$window")")
  start_gateway "$WORK/gw-$window" "$HEAP" "${extra_env[@]}" \
    IRONSYNC_S3_ENDPOINT="$S3_ENDPOINT" IRONSYNC_S3_ACCESS_KEY="$S3_ACCESS" \
    IRONSYNC_S3_SECRET_KEY="$S3_SECRET" IRONSYNC_S3_BUCKET=gateway-blobs
  TOKEN=$(gateway_token bench)
  # one discarded upload each way, so neither side is measured while its JIT warms up
  curl -sS -o /dev/null --http2-prior-knowledge -H "Authorization: Bearer $TOKEN" -T "$BODY" \
    "http://127.0.0.1:$GW_PORT/v1/files/bench/warm-up-$window.bin"
  curl -sS -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS:$S3_SECRET" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -T "$BODY" "$S3_ENDPOINT/direct/warm-up-$window"
  start_heap_sampler

  for mode in $MODES; do
    printf '\n## window %s, mode %s (%s)\n' "$window" "$mode" \
      "$([ "$mode" = length ] && echo 'Content-Length: one streamed PUT' || echo 'no length: multipart')"
    printf '| run | direct to S3 MiB/s | through gateway MiB/s | ratio |\n|---|---|---|---|\n'
    ratios=()
    for run in $(seq 1 "$RUNS"); do
      direct=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' \
        --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS:$S3_SECRET" \
        -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
        -T "$BODY" "$S3_ENDPOINT/direct/run-$window-$mode-$run")
      if [ "$mode" = length ]; then
        through=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' --http2-prior-knowledge \
          -H "Authorization: Bearer $TOKEN" -T "$BODY" \
          "http://127.0.0.1:$GW_PORT/v1/files/bench/run-$window-$mode-$run.bin")
      else
        through=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' --http2-prior-knowledge \
          -H "Authorization: Bearer $TOKEN" -T - \
          "http://127.0.0.1:$GW_PORT/v1/files/bench/run-$window-$mode-$run.bin" <"$BODY")
      fi
      check_status "$direct" 200
      check_status "$through" 201
      d=$(mib_per_s "$((SIZE_MIB * 1048576))" "${direct#* }")
      g=$(mib_per_s "$((SIZE_MIB * 1048576))" "${through#* }")
      r=$(awk -v g="$g" -v d="$d" 'BEGIN { printf "%.2f", g / d }')
      ratios+=("$r")
      printf '| %s | %s | %s | %s |\n' "$run" "$d" "$g" "$r"
    done
    printf '| median | | | %s |\n' "$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
  done
  stop_heap_sampler
  printf '\ngateway peak heap used: %s MiB (of -Xmx%s), peak RSS: %s MiB\n' \
    "$PEAK_HEAP_MIB" "$HEAP" "$(peak_rss_mib)"
  stop_gateway
done
