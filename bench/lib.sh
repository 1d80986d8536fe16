# Shared helpers for the benchmark scripts: start s3proxy and a gateway on loopback, sample the
# gateway's heap, clean up. Sourced, not run.

S3_ACCESS=bench-access
S3_SECRET=bench-secret-key
S3PROXY_VERSION=4.1.0
PIDS=()

require_jar() {
  JAR="$ROOT/app/target/ironsync.jar"
  if [ ! -f "$JAR" ]; then
    echo "build first: (cd $ROOT && mvn -q -DskipTests package)" >&2
    exit 1
  fi
}

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${WORK:-}" ] && [ -z "${KEEP:-}" ] && rm -rf "$WORK"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_for_port() {
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  exit 1
}

s3proxy_jar() {
  local jar="$HOME/.m2/repository/org/gaul/s3proxy/$S3PROXY_VERSION/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"
  if [ ! -f "$jar" ]; then
    mvn -q -B dependency:get -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" >&2
  fi
  echo "$jar"
}

start_s3proxy() {
  local dir="$1/s3"
  mkdir -p "$dir/data"
  S3_PORT=$(free_port)
  S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
  cat >"$dir/s3proxy.properties" <<EOF
s3proxy.endpoint=$S3_ENDPOINT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS
s3proxy.credential=$S3_SECRET
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/data
EOF
  java -Xmx512m -jar "$(s3proxy_jar)" --properties "$dir/s3proxy.properties" >"$dir/s3proxy.log" 2>&1 &
  PIDS+=($!)
  wait_for_port "$S3_PORT"
}

make_bucket() {
  # curl 7.88 signs its own payload hash wrongly for s3proxy; an unsigned payload is accepted
  local status
  status=$(curl -sS -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$S3_ACCESS:$S3_SECRET" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X PUT "$S3_ENDPOINT/$1")
  check_status "$status" 200
}

# start_gateway DIR HEAP [ENV=VALUE...]
start_gateway() {
  local dir="$1" heap="$2"
  shift 2
  mkdir -p "$dir"
  GW_PORT=$(free_port)
  GW_MANAGEMENT=$(free_port)
  GW_DIR="$dir"
  env IRONSYNC_DATA_DIR="$dir/data" IRONSYNC_HTTP_HOST=127.0.0.1 IRONSYNC_HTTP_PORT="$GW_PORT" \
    IRONSYNC_HTTP_TLS_PORT="$(free_port)" IRONSYNC_MANAGEMENT_HOST=127.0.0.1 \
    IRONSYNC_MANAGEMENT_PORT="$GW_MANAGEMENT" IRONSYNC_LOG_LEVEL=warn "$@" \
    java "-Xmx$heap" -jar "$JAR" >"$dir/gateway.log" 2>&1 &
  GW_PID=$!
  PIDS+=("$GW_PID")
  for _ in $(seq 1 1200); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW_MANAGEMENT/health/ready")" = 200 ]; then
      GW_ENV=(IRONSYNC_DATA_DIR="$dir/data" "$@")
      return 0
    fi
    kill -0 "$GW_PID" 2>/dev/null || { cat "$dir/gateway.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "gateway not ready" >&2
  exit 1
}

gateway_token() {
  env "${GW_ENV[@]}" java -jar "$JAR" token --user "$1" --ttl-seconds 86400
}

stop_gateway() {
  kill "$GW_PID" 2>/dev/null || true
  wait "$GW_PID" 2>/dev/null || true
}

# Polls the gateway's heap gauge in the background; the maximum lands in PEAK_HEAP_MIB.
start_heap_sampler() {
  HEAP_SAMPLES="$GW_DIR/heap.samples"
  : >"$HEAP_SAMPLES"
  (
    while kill -0 "$GW_PID" 2>/dev/null; do
      curl -s "http://127.0.0.1:$GW_MANAGEMENT/metrics" |
        awk '/^jvm_memory_used_bytes\{.*area="heap"/ { s += $NF } END { if (s > 0) print s }' >>"$HEAP_SAMPLES"
      sleep 0.2
    done
  ) &
  SAMPLER_PID=$!
}

stop_heap_sampler() {
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  PEAK_HEAP_MIB=$(sort -n "$HEAP_SAMPLES" | tail -1 | awk '{ printf "%.0f", $1 / 1048576 }')
}

peak_rss_mib() {
  awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$GW_PID/status"
}

bigger_window() {
  # the connection window must be at least the stream window; give it four streams' worth
  local value="${1%iB}" unit
  unit="${value: -1}"
  value="${value%?}"
  echo "$((value * 4))${unit}iB"
}

check_status() {
  local got="${1%% *}" want="$2"
  if [ "$got" != "$want" ]; then
    echo "unexpected HTTP status $got (wanted $want)" >&2
    exit 1
  fi
}
