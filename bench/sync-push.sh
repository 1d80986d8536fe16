#!/usr/bin/env bash
# Push benchmark (P4): Server-Sent Events subscribers on GET /v1/events.
#
#  latency  change -> event latency at each SUBSCRIBERS count on one node in its standalone default
#           (local store, embedded PostgreSQL): N subscribers over N / DEVICES users, UPLOADS small
#           PUTs one every SPACING_MS ms round-robin over the users; for every delivery the time
#           from the change's commit timestamp (ts, PostgreSQL's clock_timestamp() in the commit,
#           same machine clock) to the event's arrival, and from just before the PUT to the
#           arrival; the PUT's own answer time as the baseline. WARMUP unmeasured uploads first.
#  kafka    the same across two nodes: uploads to node A, subscribers on node B, changes carried by
#           Kafka. Kafka and the shared PostgreSQL come from the project's testkit
#           (bench/KafkaAndPostgres.java on the testkit class path); skipped, saying why, when the
#           testkit is not built or Maven cannot compute its class path offline.
#  idle     idle subscribers one node holds (HTTP/1.1, one connection each) at each IDLE level, and
#           the gateway's used heap after a full GC (jcmd GC.run + GC.heap_info) before and at each
#           level: bytes per connection. Levels above the file-descriptor limit are capped to it.
#           IDLE_H2C levels do the same with subscribers multiplexed 100 per h2c connection.
#
#   bench/sync-push.sh                                    # everything, real sizes
#   SUBSCRIBERS=200 KAFKA_SUBSCRIBERS=200 UPLOADS=100 IDLE="1000 2000" IDLE_H2C=3000 bench/sync-push.sh
#   PARTS=idle IDLE="5000 10000" IDLE_H2C="" bench/sync-push.sh          # HTTP/1.1 idle only
#
# GATEWAY_JAR=FILE benchmarks another build than app/target/ironsync.jar.
# Needs: a built jar (mvn -DskipTests package), java (jcmd), curl; for kafka: mvn and a built
# testkit (modules/testkit/target/classes). Traffic stays on 127.0.0.1.
set -euo pipefail

PARTS=${PARTS:-"latency kafka idle"}
SUBSCRIBERS=${SUBSCRIBERS:-"1000 10000"}
KAFKA_SUBSCRIBERS=${KAFKA_SUBSCRIBERS:-"1000 10000"}
DEVICES=${DEVICES:-10}
UPLOADS=${UPLOADS:-600}
SPACING_MS=${SPACING_MS:-25}
WARMUP=${WARMUP:-200}
PROTOCOL=${PROTOCOL:-h1}
IDLE=${IDLE-"5000 10000 20000"}
IDLE_H2C=${IDLE_H2C-"20000 50000"}
HEAP=${HEAP:-1g}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

require_jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ironsync-bench.XXXXXX")
trap cleanup EXIT
# run one build from start to end even if the jar is rebuilt meanwhile (GATEWAY_JAR: another build)
cp "${GATEWAY_JAR:-$JAR}" "$WORK/ironsync.jar"
JAR="$WORK/ironsync.jar"

# every subscriber is a socket in the gateway and in the harness
ulimit -n "$(ulimit -Hn)"
FD_LIMIT=$(ulimit -n)

# heartbeats well inside the idle timeout; no request-rate limit in the way of the harness
PUSH_SETTINGS=(IRONSYNC_SYNC_HEARTBEAT=25s IRONSYNC_HTTP_IDLE_TIMEOUT=300s
  IRONSYNC_LIMITS_USER_REQUESTS_PER_SEC=1000000 IRONSYNC_LIMITS_USER_REQUESTS_BURST=1000000)

harness() {
  java -cp "$JAR" "$ROOT/bench/SyncPush.java" "$@"
}

# used heap in bytes after a full collection
heap_after_gc() {
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info |
    awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); gsub(/[^0-9]/, "", v); print v * 1024; exit } }'
}

rss_bytes() { awk '/VmRSS/ { print $2 * 1024 }' "/proc/$1/status"; }
open_fds() { ls "/proc/$1/fd" | wc -l; }
load() { cut -d" " -f1-3 /proc/loadavg; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# gateway's own view: commit -> write to the socket (ironsync_push_delivery_latency_seconds)
gateway_delivery_view() {
  curl -s "http://127.0.0.1:$1/metrics" |
    awk '/^ironsync_push_delivery_latency_seconds_(count|sum|max)/ { printf "  gateway %s=%s\n", $1, $2 }'
}

printf '# sync push: parts "%s", machine: %s, %s cores, %s GiB, %s, fd limit %s, load %s, date %s\n' \
  "$PARTS" "$(uname -srm)" "$(nproc)" "$(free -g | awk '/Mem:/ { print $2 }')" \
  "$(java -version 2>&1 | head -1)" "$FD_LIMIT" "$(cut -d" " -f1-3 /proc/loadavg)" "$(date -u +%Y-%m-%dT%H:%MZ)"

for part in $PARTS; do
  case $part in
  latency)
    start_gateway "$WORK/gw-latency" "$HEAP" "${PUSH_SETTINGS[@]}"
    TOKEN=$(gateway_token bench-check)
    check_status "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
      "http://127.0.0.1:$GW_PORT/v1/changes")" 200
    for n in $SUBSCRIBERS; do
      printf '\n## change -> event, one node, %s subscribers (%s per user), %s, %s uploads every %s ms, load %s\n' \
        "$n" "$DEVICES" "$PROTOCOL" "$UPLOADS" "$SPACING_MS" "$(load)"
      harness latency "http://127.0.0.1:$GW_PORT" "http://127.0.0.1:$GW_PORT" \
        "$GW_DIR/data/keys/jwt-hs256.secret" "$n" "$DEVICES" "$UPLOADS" "$SPACING_MS" "$PROTOCOL" "$WARMUP"
    done
    gateway_delivery_view "$GW_MANAGEMENT"
    stop_gateway
    ;;
  kafka)
    printf '\n## change -> event across two nodes via Kafka\n'
    classes="$ROOT/modules/testkit/target/classes"
    if [ ! -f "$classes/io/ironsync/testkit/TestKafka.class" ]; then
      echo "skipped: the testkit is not built ($classes/io/ironsync/testkit/TestKafka.class missing; mvn -DskipTests package builds it)"
      continue
    fi
    if ! (cd "$ROOT" && mvn -B -o -q dependency:build-classpath -pl modules/testkit \
      -Dmdep.outputFile="$WORK/testkit.cp") >"$WORK/testkit-cp.log" 2>&1; then
      echo "skipped: Maven could not compute the testkit's class path offline (see below)"
      tail -5 "$WORK/testkit-cp.log"
      continue
    fi
    cp -r "$classes" "$WORK/testkit-classes"
    java -Xmx768m -cp "$WORK/testkit-classes:$(cat "$WORK/testkit.cp")" "$ROOT/bench/KafkaAndPostgres.java" \
      "$WORK/servers.env" 1800 >"$WORK/servers.log" 2>&1 &
    SERVERS_PID=$!
    PIDS+=("$SERVERS_PID")
    for _ in $(seq 1 1200); do
      [ -f "$WORK/servers.env" ] && break
      kill -0 "$SERVERS_PID" 2>/dev/null || { tail -20 "$WORK/servers.log" >&2; exit 1; }
      sleep 0.1
    done
    [ -f "$WORK/servers.env" ] || { echo "Kafka/PostgreSQL did not start in 120 s" >&2; exit 1; }
    # shellcheck disable=SC1091
    source "$WORK/servers.env"
    head -c 48 /dev/urandom | base64 | tr -d '/+=\n' >"$WORK/secret"
    SHARED=(IRONSYNC_PG_URL="$PG_URL" IRONSYNC_KAFKA_BOOTSTRAP_SERVERS="$KAFKA"
      IRONSYNC_KAFKA_TOPIC=bench-changes IRONSYNC_AUTH_JWT_HS256_SECRET="$(cat "$WORK/secret")")
    start_gateway "$WORK/node-a" "$HEAP" "${PUSH_SETTINGS[@]}" "${SHARED[@]}" IRONSYNC_NODE_ID=node-a
    A_PORT=$GW_PORT A_PID=$GW_PID
    start_gateway "$WORK/node-b" "$HEAP" "${PUSH_SETTINGS[@]}" "${SHARED[@]}" IRONSYNC_NODE_ID=node-b
    B_PORT=$GW_PORT B_PID=$GW_PID B_MANAGEMENT=$GW_MANAGEMENT
    # a fresh broker and two fresh nodes are slow for their first thousand changes (JIT of the
    # broker, the producer and the consumer): one unmeasured pass first, like a service in use
    harness latency "http://127.0.0.1:$A_PORT" "http://127.0.0.1:$B_PORT" \
      "$WORK/secret" 200 "$DEVICES" 1000 "$SPACING_MS" "$PROTOCOL" "$WARMUP" >"$WORK/kafka-warm-up.txt"
    printf 'unmeasured warm-up pass: %s\n' "$(grep -m1 -o 'commit_to_event.*' "$WORK/kafka-warm-up.txt" | tr -s ' ')"
    for n in $KAFKA_SUBSCRIBERS; do
      printf '\n## change -> event, upload on node A, %s subscribers on node B (%s per user), %s, %s uploads every %s ms, load %s\n' \
        "$n" "$DEVICES" "$PROTOCOL" "$UPLOADS" "$SPACING_MS" "$(load)"
      harness latency "http://127.0.0.1:$A_PORT" "http://127.0.0.1:$B_PORT" \
        "$WORK/secret" "$n" "$DEVICES" "$UPLOADS" "$SPACING_MS" "$PROTOCOL" "$WARMUP"
    done
    gateway_delivery_view "$B_MANAGEMENT"
    curl -s "http://127.0.0.1:$B_MANAGEMENT/metrics" |
      awk '/^ironsync_relay_latency_seconds_(count|sum|max)/ { printf "  node B %s=%s\n", $1, $2 }'
    for pid in "$B_PID" "$A_PID" "$SERVERS_PID"; do
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    done
    ;;
  idle)
    start_gateway "$WORK/gw-idle" "$HEAP" "${PUSH_SETTINGS[@]}"
    for protocol in h1 h2c; do
      levels=$IDLE
      [ "$protocol" = h2c ] && levels=$IDLE_H2C
      [ -z "$levels" ] && continue
      # HTTP/1.1: one socket per subscriber on each side; keep 300 descriptors for everything else
      cap=$((FD_LIMIT - $(open_fds "$GW_PID") - 300))
      run_levels=()
      for level in $levels; do
        if [ "$protocol" = h1 ] && [ "$level" -gt "$cap" ]; then
          echo "level $level is over the file-descriptor limit ($FD_LIMIT per process, ulimit -Hn): capped to $cap"
          level=$cap
        fi
        run_levels+=("$level")
      done
      control="$WORK/idle-$protocol"
      mkdir -p "$control"
      base_heap=$(heap_after_gc "$GW_PID")
      base_rss=$(rss_bytes "$GW_PID")
      printf '\n## idle SSE subscribers on one node, %s, heap -Xmx%s, 10 subscribers per user, load %s\n' "$protocol" "$HEAP" "$(load)"
      printf '| subscribers asked | ready | client connections | gateway fds | heap after GC MiB | heap bytes/subscriber | RSS MiB | RSS bytes/subscriber |\n|---|---|---|---|---|---|---|---|\n'
      printf '| 0 | 0 | 0 | %s | %s | | %s | |\n' "$(open_fds "$GW_PID")" "$(mib "$base_heap")" "$(mib "$base_rss")"
      harness idle "http://127.0.0.1:$GW_PORT" "$GW_DIR/data/keys/jwt-hs256.secret" "$protocol" "$control" \
        "${run_levels[@]}" >"$control/harness.out" 2>&1 &
      HARNESS_PID=$!
      PIDS+=("$HARNESS_PID")
      for level in "${run_levels[@]}"; do
        while [ ! -f "$control/ready-$level" ] && kill -0 "$HARNESS_PID" 2>/dev/null; do sleep 0.5; done
        [ -f "$control/ready-$level" ] || break
        ready=$(cat "$control/ready-$level")
        line=$(grep "^level=$level " "$control/harness.out" | tail -1)
        connections=$(sed -n 's/.* connections=\([0-9]*\).*/\1/p' <<<"$line")
        heap=$(heap_after_gc "$GW_PID")
        rss=$(rss_bytes "$GW_PID")
        printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$level" "$ready" "$connections" \
          "$(open_fds "$GW_PID")" "$(mib "$heap")" \
          "$(awk -v h="$heap" -v b="$base_heap" -v n="$ready" 'BEGIN { if (n > 0) printf "%.0f", (h - b) / n }')" \
          "$(mib "$rss")" \
          "$(awk -v h="$rss" -v b="$base_rss" -v n="$ready" 'BEGIN { if (n > 0) printf "%.0f", (h - b) / n }')"
        touch "$control/go-$level"
      done
      wait "$HARNESS_PID" || true
      echo "harness:"
      sed 's/^/  /' "$control/harness.out"
    done
    kill -0 "$GW_PID" 2>/dev/null && echo "gateway still live after the idle runs"
    stop_gateway
    ;;
  *)
    echo "unknown part $part (latency, kafka, idle)" >&2
    exit 2
    ;;
  esac
done
