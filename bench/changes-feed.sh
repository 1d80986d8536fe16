#!/usr/bin/env bash
# Change-feed benchmark (P5): GET /v1/changes at fixed request rates with h2load (h2c prior
# knowledge), next to baselines at the same rates in the same run:
#
#   changes       /v1/changes?cursor=C for a user with ENTRIES journal entries, C being BEHIND
#                 entries before the head (each answer carries BEHIND changes)
#   changes-head  /v1/changes?cursor=HEAD (nothing new: the common "anything for me?" call)
#   file          GET /v1/files/bench/tiny.txt (16 bytes), same port, protocol, auth and limits
#   health        GET /health/live on the management port (HTTP/1.1, no auth, no database)
#
# The gateway runs in its standalone default (local store, embedded PostgreSQL) with the per-user
# request rate raised out of the way. h2load paces each of CLIENTS connections at rate / CLIENTS
# requests per second (--rps) with up to STREAMS requests in flight on each; the latency
# percentiles come from its per-request log (--log-file), which leaves the warm-up out; every
# target first gets 5,000 unmeasured requests (JIT).
#
#   bench/changes-feed.sh                                    # 1,000 and 5,000 req/s, 15 s each
#   RATES="500 2000" DURATION=10 TARGETS="changes file" bench/changes-feed.sh
#
# GATEWAY_JAR=FILE benchmarks another build than app/target/ironsync.jar.
# Needs: a built jar (mvn -DskipTests package), java, curl, python3, h2load (apt-get install
# nghttp2-client). Traffic stays on 127.0.0.1.
set -euo pipefail

RATES=${RATES:-"1000 5000"}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-3}
CLIENTS=${CLIENTS:-10}
STREAMS=${STREAMS:-10}
ENTRIES=${ENTRIES:-100}
BEHIND=${BEHIND:-20}
TARGETS=${TARGETS:-"changes changes-head file health"}
HEAP=${HEAP:-1g}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

require_jar
if ! command -v h2load >/dev/null; then
  echo "h2load missing: apt-get install -y nghttp2-client" >&2
  exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ironsync-bench.XXXXXX")
trap cleanup EXIT
# run one build from start to end even if the jar is rebuilt meanwhile (GATEWAY_JAR: another build)
cp "${GATEWAY_JAR:-$JAR}" "$WORK/ironsync.jar"
JAR="$WORK/ironsync.jar"

printf '# changes feed: rates "%s" req/s, %s s each after %s s warm-up, %s connections x %s streams, %s entries, cursor %s behind, machine: %s, %s cores, %s, %s, load %s, date %s\n' \
  "$RATES" "$DURATION" "$WARMUP" "$CLIENTS" "$STREAMS" "$ENTRIES" "$BEHIND" "$(uname -srm)" "$(nproc)" \
  "$(java -version 2>&1 | head -1)" "$(h2load --version | head -1)" "$(cut -d" " -f1-3 /proc/loadavg)" "$(date -u +%Y-%m-%dT%H:%MZ)"

start_gateway "$WORK/gw" "$HEAP" \
  IRONSYNC_LIMITS_USER_REQUESTS_PER_SEC=1000000 IRONSYNC_LIMITS_USER_REQUESTS_BURST=1000000
TOKEN=$(gateway_token feed)
API="http://127.0.0.1:$GW_PORT"

put_file() {
  check_status "$(curl -sS -o /dev/null -w '%{http_code}' --http2-prior-knowledge \
    -H "Authorization: Bearer $TOKEN" --data-binary "$2" -X PUT "$API/v1/files/$1")" 201
}
get_json() {
  curl -sS --http2-prior-knowledge -H "Authorization: Bearer $TOKEN" "$API$1"
}
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }

put_file bench/tiny.txt "sixteen bytes..."
for i in $(seq 2 $((ENTRIES - BEHIND))); do put_file "bench/feed/f$i.txt" "entry $i"; done
CURSOR_BEHIND=$(get_json /v1/changes | json_field cursor)
for i in $(seq $((ENTRIES - BEHIND + 1)) "$ENTRIES"); do put_file "bench/feed/f$i.txt" "entry $i"; done
CURSOR_HEAD=$(get_json "/v1/changes?cursor=$CURSOR_BEHIND" | json_field cursor)
got=$(get_json "/v1/changes?cursor=$CURSOR_BEHIND" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["changes"]))')
[ "$got" = "$BEHIND" ] || { echo "the behind cursor answers $got changes, not $BEHIND" >&2; exit 1; }

# p50/p90/p99/max (ms), achieved rate and non-2xx from an h2load --log-file (which holds the
# measured requests only, not the warm-up ones)
summarise() {
  python3 - "$1" <<'EOF'
import sys
rows = []
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) >= 3:
        rows.append((int(parts[0]), int(parts[1]), int(parts[2])))
if not rows:
    print("| 0 | | | | | |")
    sys.exit()
span = (max(r[0] for r in rows) - min(r[0] for r in rows)) / 1e6 or 1
ok = sorted(r[2] for r in rows if 200 <= r[1] < 300)
bad = {}
for r in rows:
    if not 200 <= r[1] < 300:
        bad[r[1]] = bad.get(r[1], 0) + 1
bad = " ".join(f"{n}x{status}" for status, n in sorted(bad.items())) or "0"
def p(q):
    return ok[min(len(ok) - 1, int(q * len(ok)))] / 1000 if ok else float("nan")
print(f"| {len(rows) / span:,.0f} | {p(0.5):.2f} | {p(0.9):.2f} | {p(0.99):.2f} | {ok[-1] / 1000 if ok else 0:.2f} | {bad} |")
EOF
}

target_url() {
  case $1 in
  changes) echo "$API/v1/changes?cursor=$CURSOR_BEHIND" ;;
  changes-head) echo "$API/v1/changes?cursor=$CURSOR_HEAD" ;;
  file) echo "$API/v1/files/bench/tiny.txt" ;;
  health) echo "http://127.0.0.1:$GW_MANAGEMENT/health/live" ;;
  *)
    echo "unknown target $1" >&2
    exit 2
    ;;
  esac
}

# JIT warm-up of every path before anything is measured: 5,000 requests each, as fast as they go
for target in $TARGETS; do
  if [ "$target" = health ]; then
    h2load -t 1 -c 4 -m 1 -n 5000 --h1 "$(target_url "$target")" >/dev/null 2>&1 || true
  else
    h2load -t 1 -c 4 -m 4 -n 5000 -H "Authorization: Bearer $TOKEN" "$(target_url "$target")" >/dev/null 2>&1 || true
  fi
done

printf '\n| target | protocol | asked req/s | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx (count x status; -1 = failed stream) |\n|---|---|---|---|---|---|---|---|---|\n'
for rate in $RATES; do
  for target in $TARGETS; do
    protocol=h2c
    extra=(-H "Authorization: Bearer $TOKEN")
    if [ "$target" = health ]; then
      protocol=h1
      extra=(--h1)
    fi
    url=$(target_url "$target")
    log="$WORK/h2load-$target-$rate.log"
    h2load -t 1 -c "$CLIENTS" -m "$STREAMS" --rps "$(((rate + CLIENTS - 1) / CLIENTS))" \
      -D "$DURATION" --warm-up-time "$WARMUP" --log-file "$log" "${extra[@]}" "$url" \
      >"$WORK/h2load-$target-$rate.out" 2>&1 || true
    printf '| %s | %s | %s %s\n' "$target" "$protocol" "$rate" "$(summarise "$log")"
  done
done
printf '\nh2load summaries (measured part; time for request: min max mean sd):\n'
for f in "$WORK"/h2load-*.out; do
  printf '  %s: %s; %s; %s\n' "$(basename "$f" .out)" "$(grep -m1 '^finished in' "$f" || echo 'no summary')" \
    "$(grep -m1 '^requests:' "$f" || true)" "$(grep -m1 '^time for request:' "$f" | tr -s ' ' || true)"
done
stop_gateway
