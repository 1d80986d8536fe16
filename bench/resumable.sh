#!/usr/bin/env bash
# Resumable-upload benchmark (tus 1.0 at /v1/uploads), side by side in one run against the same
# gateway and the same S3 server (s3proxy):
#
#   put      one PUT of the file through the gateway (h2c, Content-Length): the baseline
#   direct   the same file PUT straight to S3, for context
#   tus      one tus upload of the file in CHUNK_MIB PATCHes, one after another (as a stock client
#            sends them), from the creation to the answer of the last PATCH (the commit)
#   concat   the file as WAYS partial uploads sent in parallel (each in CHUNK_MIB PATCHes), then
#            the final upload that composes them inside S3 and commits, from the first creation
#            to the final answer
#
# Prints each rate, its ratio to the PUT, the median over RUNS, and the gateway's peak heap.
#
#   bench/resumable.sh                          # 1 GiB, 8 MiB PATCHes, 4 ways, 3 runs
#   SIZE_MIB=256 RUNS=1 bench/resumable.sh
#
# Needs: a built jar (mvn -DskipTests package), curl, dd, java. Traffic stays on 127.0.0.1.
set -euo pipefail

SIZE_MIB=${SIZE_MIB:-1024}
CHUNK_MIB=${CHUNK_MIB:-8}
WAYS=${WAYS:-4}
RUNS=${RUNS:-3}
HEAP=${HEAP:-512m}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

require_jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ironsync-bench.XXXXXX")
trap cleanup EXIT

if [ $((SIZE_MIB % (WAYS * CHUNK_MIB))) -ne 0 ]; then
  echo "SIZE_MIB must be a multiple of WAYS * CHUNK_MIB" >&2
  exit 1
fi

start_s3proxy "$WORK"
make_bucket gateway-blobs
make_bucket direct
BODY="$WORK/body.bin"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$BODY"
BYTES=$((SIZE_MIB * 1048576))

start_gateway "$WORK/gw" "$HEAP" \
  IRONSYNC_S3_ENDPOINT="$S3_ENDPOINT" IRONSYNC_S3_ACCESS_KEY="$S3_ACCESS" \
  IRONSYNC_S3_SECRET_KEY="$S3_SECRET" IRONSYNC_S3_BUCKET=gateway-blobs \
  IRONSYNC_LIMITS_USER_REQUESTS_PER_SEC=100000 IRONSYNC_LIMITS_USER_REQUESTS_BURST=100000 \
  IRONSYNC_LIMITS_USER_CONCURRENT_UPLOADS=16 \
  IRONSYNC_RETENTION_VERSIONS=0s IRONSYNC_RETENTION_SWEEP_INTERVAL=2s
TOKEN=$(gateway_token bench)
BASE="http://127.0.0.1:$GW_PORT"
TUS=(-H "Tus-Resumable: 1.0.0" -H "Authorization: Bearer $TOKEN")

b64() { printf '%s' "$1" | base64 -w0; }
now() { date +%s.%N; }
mib_per_s() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.1f", b / t / 1048576 }'; }

# create LENGTH [EXTRA HEADER...] -> the upload's location
create() {
  local length="$1"
  shift
  curl -sS -o /dev/null -D - --http2-prior-knowledge "${TUS[@]}" -X POST \
    -H "Upload-Length: $length" "$@" "$BASE/v1/uploads" |
    awk 'tolower($1) == "location:" { sub(/\r$/, "", $2); print $2 }'
}

# patch LOCATION FIRST_MIB COUNT_MIB: sends that stretch of the body in CHUNK_MIB PATCHes
patch_range() {
  local location="$1" first="$2" count="$3" offset chunk status
  for ((chunk = 0; chunk < count; chunk += CHUNK_MIB)); do
    offset=$(((chunk) * 1048576))
    status=$(dd if="$BODY" bs=1M skip=$((first + chunk)) count="$CHUNK_MIB" status=none |
      curl -sS -o "$WORK/patch-${location##*/}.out" -w '%{http_code}' --http2-prior-knowledge "${TUS[@]}" -X PATCH \
        -H "Content-Type: application/offset+octet-stream" -H "Upload-Offset: $offset" \
        --data-binary @- "$BASE$location")
    [ "$status" = 204 ] || cat "$WORK/patch-${location##*/}.out" >&2
    check_status "$status" 204
  done
}

run_put() {
  curl -sS -o /dev/null -w '%{http_code} %{time_total}' --http2-prior-knowledge \
    -H "Authorization: Bearer $TOKEN" -T "$BODY" "$BASE/v1/files/bench/put-$1.bin"
}

run_direct() {
  curl -sS -o /dev/null -w '%{http_code} %{time_total}' --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$S3_ACCESS:$S3_SECRET" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -T "$BODY" \
    "$S3_ENDPOINT/direct/run-$1"
}

run_tus() {
  local start location
  start=$(now)
  location=$(create "$BYTES" -H "Upload-Metadata: path $(b64 "bench/tus-$1.bin")")
  patch_range "$location" 0 "$SIZE_MIB"
  awk -v s="$start" -v e="$(now)" 'BEGIN { printf "204 %.3f", e - s }'
}

run_concat() {
  local start way share locations=() pids=() status
  start=$(now)
  share=$((SIZE_MIB / WAYS))
  for ((way = 0; way < WAYS; way++)); do
    locations+=("$(create $((share * 1048576)) -H "Upload-Concat: partial")")
  done
  for ((way = 0; way < WAYS; way++)); do
    patch_range "${locations[$way]}" $((way * share)) "$share" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  status=$(curl -sS -o /dev/null -w '%{http_code}' --http2-prior-knowledge "${TUS[@]}" -X POST \
    -H "Upload-Concat: final;${locations[*]}" \
    -H "Upload-Metadata: path $(b64 "bench/concat-$1.bin")" "$BASE/v1/uploads")
  check_status "$status" 201
  awk -v s="$start" -v e="$(now)" 'BEGIN { printf "201 %.3f", e - s }'
}

# deleted files lose their bytes at the next sweep (retention 0 s), so runs do not fill the disk
forget() {
  local name status
  for name in "$@"; do
    status=$(curl -sS -o /dev/null -w '%{http_code}' --http2-prior-knowledge -X DELETE \
      -H "Authorization: Bearer $TOKEN" "$BASE/v1/files/bench/$name.bin")
    check_status "$status" 204
  done
}

forget_direct() {
  curl -sS -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS:$S3_SECRET" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X DELETE "$S3_ENDPOINT/direct/run-$1"
}

printf '\n# resumable upload: %s MiB, %s MiB PATCHes, %s-way concatenation, %s runs\n' \
  "$SIZE_MIB" "$CHUNK_MIB" "$WAYS" "$RUNS"
printf 'machine: %s, %s cores, date %s\n' "$(uname -srm)" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"

# warm both sides up once, unmeasured
run_put warm >/dev/null
run_tus warm >/dev/null
forget put-warm tus-warm
start_heap_sampler

printf '\n| run | direct to S3 MiB/s | PUT via gateway MiB/s | tus %s MiB PATCHes MiB/s (ratio) | tus %s-way concat MiB/s (ratio) |\n|---|---|---|---|---|\n' "$CHUNK_MIB" "$WAYS"
tus_ratios=()
concat_ratios=()
for run in $(seq 1 "$RUNS"); do
  direct=$(run_direct "$run")
  check_status "$direct" 200
  put=$(run_put "$run")
  check_status "$put" 201
  tus=$(run_tus "$run")
  concat=$(run_concat "$run")
  d=$(mib_per_s "$BYTES" "${direct#* }")
  p=$(mib_per_s "$BYTES" "${put#* }")
  t=$(mib_per_s "$BYTES" "${tus#* }")
  c=$(mib_per_s "$BYTES" "${concat#* }")
  tr=$(awk -v a="$t" -v b="$p" 'BEGIN { printf "%.2f", a / b }')
  cr=$(awk -v a="$c" -v b="$p" 'BEGIN { printf "%.2f", a / b }')
  tus_ratios+=("$tr")
  concat_ratios+=("$cr")
  printf '| %s | %s | %s | %s (%s) | %s (%s) |\n' "$run" "$d" "$p" "$t" "$tr" "$c" "$cr"
  forget "put-$run" "tus-$run" "concat-$run"
  forget_direct "$run"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '| median ratio | | | %s | %s |\n' "$(median "${tus_ratios[@]}")" "$(median "${concat_ratios[@]}")"
stop_heap_sampler
printf '\ngateway peak heap used: %s MiB (of -Xmx%s), peak RSS: %s MiB\n' \
  "$PEAK_HEAP_MIB" "$HEAP" "$(peak_rss_mib)"
