#!/usr/bin/env bash
# Break-point campaign: three ramps against one gateway node in its standalone default (local-disk
# store, embedded PostgreSQL), each ramp on a fresh gateway. Every step records throughput, latency
# percentiles, errors by status, the CPU of the gateway, of its PostgreSQL, of the load generator and
# of everything else on the machine, and the gateway's heap; every ramp names where it broke and why.
#
#  connections  N h2c connections held open by h2load, each asking GET /v1/changes?cursor=HEAD (the
#               "anything new for me?" call of an idle device) CONN_RPS times a second, one request
#               in flight each: offered load N x CONN_RPS req/s. CONN_MODE=spread (default) opens the
#               connections over the first second, so the requests are spread over each second as
#               independent devices' would be; CONN_MODE=burst opens them all at once, so every
#               second starts with N requests arriving together (devices reconnecting after an
#               outage). One user, its request limit raised out of the way (h2load sends one token).
#  uploaders    N clients (bench/BreakPoint.java), each on its own h2c connection, arriving over the
#               first second and PUTting distinct UPLOAD_BYTES files back to back for STEP_SECONDS,
#               spread over N / UPLOADERS_PER_USER users; a refused upload waits what Retry-After
#               asks. Every upload started in the step counts; those still running at its end get
#               DRAIN seconds. Upload slots and queues keep their defaults (8 per user; 512
#               streaming and 4,096 waiting per node); the request limit is raised.
#  files        one new user per level with N files of FILE_BYTES bytes in one folder, created with
#               POST /v1/ops/commit-batch (multipart, 250 files a batch: more parts are refused, see
#               bench/RESULTS.md), then the folder listed completely (GET /v1/list, 1,000 a page)
#               and the delta feed pulled completely from no cursor (GET /v1/changes, 1,000 a page),
#               each again and again for LIST_SECONDS.
#
# A step breaks the ramp when more than MAX_ERROR_PCT % of its requests fail (non-2xx, connection
# errors, unfinished uploads), when the connections ramp achieves less than 90% of the offered
# rate, or when the gateway dies; the ramp stops there. A latency break is named too, and the ramp
# goes on past it (STOP_ON_LATENCY=1 stops there as well): p99 over P99_FACTOR x that of the first
# level and over P99_FLOOR_MS; for the files ramp, a complete listing or pull costing more than
# SCALE_FACTOR x per entry than at the first level with full pages. CPU is utime+stime from /proc
# over the measured span in % of one core (the machine has `nproc` x 100%; "other" is the machine's
# busy time minus the three processes: other jobs on a shared machine); heap is the peak of the
# gateway's used heap (jvm_memory_used_bytes, sampled every 0.5 s).
#
#   bench/breakpoint.sh                                        # everything, about 10 minutes
#   RAMPS=connections CONN_MODE=burst bench/breakpoint.sh
#   RAMPS="uploaders files" UPLOADERS="1 100" FILES="5 1000" STEP_SECONDS=5 LIST_SECONDS=3 bench/breakpoint.sh
#
# The tables go to stdout and to OUT (default: a file under ${TMPDIR:-/tmp}, named at the end).
# GATEWAY_JAR=FILE benchmarks another build than app/target/ironsync.jar. Levels above the
# open-file limit (raised to `ulimit -Hn`) are capped to it. Each gateway's data (everything
# uploaded) is deleted after its ramp. Needs: a built jar (mvn -DskipTests package), a JDK (javac),
# curl, python3, h2load (apt-get install nghttp2-client), ss. Traffic stays on 127.0.0.1.
set -euo pipefail

RAMPS=${RAMPS:-"connections uploaders files"}
CONNECTIONS=${CONNECTIONS:-"1 10 100 1000 2500 5000 10000"}
CONN_RPS=${CONN_RPS:-1}
CONN_MODE=${CONN_MODE:-spread}
UPLOADERS=${UPLOADERS:-"1 10 100 1000 2500 5000 10000"}
UPLOADERS_PER_USER=${UPLOADERS_PER_USER:-1}
UPLOAD_BYTES=${UPLOAD_BYTES:-65536}
FILES=${FILES:-"5 100 1000 10000 20000 50000 100000"}
FILE_BYTES=${FILE_BYTES:-256}
STEP_SECONDS=${STEP_SECONDS:-15}
WARMUP=${WARMUP:-3}
DRAIN=${DRAIN:-40}
LIST_SECONDS=${LIST_SECONDS:-8}
MAX_ERROR_PCT=${MAX_ERROR_PCT:-1}
P99_FACTOR=${P99_FACTOR:-10}
P99_FLOOR_MS=${P99_FLOOR_MS:-50}
SCALE_FACTOR=${SCALE_FACTOR:-3}
STOP_ON_LATENCY=${STOP_ON_LATENCY:-}
HEAP=${HEAP:-1g}
HARNESS_HEAP=${HARNESS_HEAP:-1g}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

require_jar
for tool in h2load ss javac python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool missing (h2load: apt-get install -y nghttp2-client)" >&2
    exit 1
  fi
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ironsync-bench.XXXXXX")
trap cleanup EXIT
OUT=${OUT:-"${TMPDIR:-/tmp}/ironsync-breakpoint-$(date -u +%Y%m%dT%H%MZ).md"}
OUT="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
: >"$OUT"
# run one build from start to end even if the jar is rebuilt meanwhile (GATEWAY_JAR: another build)
# (a jar caught while it is being written is not a readable zip: copy again a little later)
for attempt in $(seq 1 30); do
  cp "${GATEWAY_JAR:-$JAR}" "$WORK/ironsync.jar"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).close()' "$WORK/ironsync.jar" 2>/dev/null && break
  [ "$attempt" = 30 ] && { echo "${GATEWAY_JAR:-$JAR} is not a readable jar" >&2; exit 1; }
  sleep 2
done
JAR="$WORK/ironsync.jar"
mkdir -p "$WORK/classes"
javac -nowarn -cp "$JAR" -d "$WORK/classes" "$ROOT/bench/BreakPoint.java"
# the gateways write their audit log (a line per request, hundreds of MB here) to the working
# directory: let that be the run's own, deleted at the end
cd "$WORK"

# every connection is a descriptor in the gateway and in the client
ulimit -n "$(ulimit -Hn)"
FD_LIMIT=$(ulimit -n)
FD_CAP=$((FD_LIMIT - 500))
HEAP_MIB=$(awk -v h="$HEAP" 'BEGIN { n = h + 0; u = tolower(substr(h, length(h))); print (u == "g" ? n * 1024 : (u == "m" ? n : n / 1048576)) }')
CORES=$(nproc)

# no per-user request limit in the way: these ramps look for the node's limits
NO_REQUEST_LIMIT=(IRONSYNC_LIMITS_USER_REQUESTS_PER_SEC=1000000 IRONSYNC_LIMITS_USER_REQUESTS_BURST=1000000)

say() { printf '%s\n' "$*" | tee -a "$OUT"; }
HARNESS=(java "-Xmx$HARNESS_HEAP" -cp "$WORK/classes:$JAR" BreakPoint)
kv() { grep -o "\b$1=[^ ]*" <<<"$2" | head -1 | cut -d= -f2-; }
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'; }
load() { cut -d" " -f1-3 /proc/loadavg; }

# CPU counters: gateway JVM, its embedded PostgreSQL (postmaster found by its data directory, and
# every process below it), the machine (busy and all ticks of /proc/stat), the wall clock, and the
# load generator (process $1)
cpu_snapshot() {
  python3 - "$GW_PID" "$GW_DIR/data/pg" "${1:-0}" <<'EOF'
import os, sys, time
gw, pgdir, client = sys.argv[1], sys.argv[2], sys.argv[3]
def ticks(stat):
    f = stat[stat.rindex(")") + 2:].split()
    return int(f[11]) + int(f[12])
procs = {}
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    try:
        stat = open(f"/proc/{pid}/stat").read()
        args = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        continue
    ppid = stat[stat.rindex(")") + 2:].split()[1]
    procs[pid] = (ppid, ticks(stat), args)
roots = {p for p, (_, _, a) in procs.items() if a.startswith(("postgres", "/")) and "postgres" in a and f"-D {pgdir}" in a}
def under(p):
    seen = 0
    while p in procs and seen < 64:
        if p in roots:
            return True
        p = procs[p][0]
        seen += 1
    return False
pg = sum(t for p, (_, t, _) in procs.items() if under(p))
gwt = procs.get(gw, (0, 0, ""))[1]
cpu = [int(x) for x in open("/proc/stat").readline().split()[1:]]
total = sum(cpu[:8])
idle = cpu[3] + cpu[4]
print(gwt, pg, total - idle, total, time.time(), procs.get(client, (0, -1, ""))[1])
EOF
}

# prints "gateway% postgres% machine% client% other%" (of one core) between two snapshots; other is
# what the rest of the machine used (other jobs on a shared machine, the scripts' own sampling)
cpu_delta() {
  awk -v a="$1" -v b="$2" -v cores="$CORES" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    wall = y[5] - x[5]; if (wall <= 0) wall = 1
    all = y[4] - x[4]; if (all <= 0) all = 1
    gw = (y[1] - x[1]) / hz / wall * 100; pg = (y[2] - x[2]) / hz / wall * 100
    busy = (y[3] - x[3]) / all * cores * 100; client = (y[6] - x[6]) / hz / wall * 100
    # a load generator that was not (or no longer) there: unknown, its time then counts as other
    known = x[6] >= 0 && y[6] >= 0
    other = busy - gw - pg - (known ? client : 0); if (other < 0) other = 0
    printf "%.0f %.0f %.0f %s %.0f", gw, pg, busy, (known ? sprintf("%.0f", client) : "?"), other
  }'
}

# samples the gateway's used heap and open descriptors every 0.5 s into $1
start_sampler() {
  local file=$1
  : >"$file"
  (
    while kill -0 "$GW_PID" 2>/dev/null; do
      heap=$(curl -s -m 2 "http://127.0.0.1:$GW_MANAGEMENT/metrics" |
        awk '/^jvm_memory_used_bytes\{.*area="heap"/ { s += $NF } END { printf "%.0f", s }')
      fds=$(ls "/proc/$GW_PID/fd" 2>/dev/null | wc -l)
      echo "${heap:-0} $fds" >>"$file"
      sleep 0.5
    done
  ) &
  SAMPLER=$!
}

# stops the sampler; sets PEAK_HEAP (MiB) and PEAK_FDS
stop_sampler() {
  kill "$SAMPLER" 2>/dev/null || true
  wait "$SAMPLER" 2>/dev/null || true
  PEAK_HEAP=$(awk '$1 > h { h = $1 } END { printf "%.0f", h / 1048576 }' "$1")
  PEAK_FDS=$(awk '$2 > f { f = $2 } END { print f + 0 }' "$1")
}

# why a step may have failed or slowed, from what the machine and the gateway showed
resource_notes() {
  local busy=$1 notes=()
  gt "$busy" "$((CORES * 90))" && notes+=("CPU saturated (machine ${busy}% of $((CORES * 100))%)")
  gt "$PEAK_HEAP" "$(awk -v m="$HEAP_MIB" 'BEGIN { print m * 0.9 }')" && notes+=("heap near -Xmx$HEAP (${PEAK_HEAP} MiB)")
  gt "$PEAK_FDS" "$((FD_LIMIT - 200))" && notes+=("gateway near the fd limit ($PEAK_FDS of $FD_LIMIT)")
  grep -q "Too many open files" "$GW_DIR/gateway.log" 2>/dev/null && notes+=("'Too many open files' in the gateway log")
  grep -q "OutOfMemoryError" "$GW_DIR/gateway.log" 2>/dev/null && notes+=("OutOfMemoryError in the gateway log")
  kill -0 "$GW_PID" 2>/dev/null || notes+=("gateway exited")
  local joined="" note
  for note in "${notes[@]}"; do joined="${joined:+$joined; }$note"; done
  echo "$joined"
}

# the gateway's WARN and ERROR lines written since byte offset $1, by message (the first 160
# characters), most frequent first: "count x message | ..."
gateway_log_since() {
  tail -c "+$(($1 + 1))" "$GW_DIR/gateway.log" | python3 -c '
import json, sys
counts = {}
for line in sys.stdin:
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    if entry.get("level") not in ("WARN", "ERROR") or entry.get("logger_name", "").startswith("io.micrometer"):
        continue
    text = entry.get("message", "")
    trace = entry.get("stack_trace", "")
    if trace:
        text += " (" + trace.split("\n")[0] + ")"
    text = " ".join(text.split())[:160]
    counts[text] = counts.get(text, 0) + 1
top = sorted(counts.items(), key=lambda kv: -kv[1])[:2]
print(" | ".join(f"{n}x {t}" for t, n in top))
'
}

# waits until the harness marks the start of the measured part, or exits (then returns 1)
await_mark() {
  local file=$1 pid=$2
  while [ ! -f "$file" ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
}

machine_line() {
  printf 'machine: %s, %s cores, %s MiB memory, %s, %s, fd limit %s, load %s, date %s' \
    "$(uname -srm)" "$CORES" "$(free -m | awk '/Mem:/ { print $2 }')" "$(java -version 2>&1 | head -1)" \
    "$(h2load --version | head -1)" "$FD_LIMIT" "$(load)" "$(date -u +%Y-%m-%dT%H:%MZ)"
}

cap_level() {
  if [ "$1" -gt "$FD_CAP" ]; then
    echo "level $1 is over the open-file limit ($FD_LIMIT per process, ulimit -Hn): capped to $FD_CAP" >&2
    echo "$FD_CAP"
  else
    echo "$1"
  fi
}

# rows flagged in a ramp: set by judge()
reset_ramp() {
  FIRST_P99=""
  LATENCY_BREAK=""
  BREAK=""
  BEST_RATE=0
  BEST_AT=""
}

# judge LEVEL P99_MS ERROR_PCT WHY [EXTRA_BROKEN_REASON]: sets VERDICT, records breaks
judge() {
  local level=$1 p99=$2 errors=$3 why=$4 extra=${5:-}
  VERDICT=ok
  [ -z "$FIRST_P99" ] && FIRST_P99=$p99
  local limit
  limit=$(awk -v f="$FIRST_P99" -v k="$P99_FACTOR" -v floor="$P99_FLOOR_MS" 'BEGIN { l = f * k; print (l > floor ? l : floor) }')
  if gt "$errors" "$MAX_ERROR_PCT" || [ -n "$extra" ] || ! kill -0 "$GW_PID" 2>/dev/null; then
    VERDICT="**broken**"
    BREAK="$level: ${extra:+$extra; }errors ${errors}%${why:+ ($why)}"
  elif [ "$p99" != NaN ] && gt "$p99" "$limit"; then
    VERDICT="slow (p99 > ${limit} ms)"
    [ -z "$LATENCY_BREAK" ] && LATENCY_BREAK="$level: p99 ${p99} ms > ${limit} ms (${P99_FACTOR}x the first level's ${FIRST_P99} ms, floor ${P99_FLOOR_MS} ms)${why:+; $why}"
  fi
  return 0
}

stop_ramp_here() {
  [ -n "$BREAK" ] && return 0
  [ -n "$STOP_ON_LATENCY" ] && [ -n "$LATENCY_BREAK" ] && return 0
  return 1
}

ramp_summary() {
  local what=$1 top=$2
  if [ -n "$BREAK" ]; then
    say "break point ($what): $BREAK"
  else
    say "break point ($what): none up to $top"
  fi
  [ -n "$LATENCY_BREAK" ] && say "latency break ($what): $LATENCY_BREAK"
  [ -n "$BEST_AT" ] && say "highest throughput ($what): $BEST_RATE at $BEST_AT"
  return 0
}

note_rate() {
  if gt "$1" "$BEST_RATE"; then
    BEST_RATE=$1
    BEST_AT=$2
  fi
}

finish_gateway() {
  stop_gateway
  rm -rf "$GW_DIR/data"
}

say "# break-point campaign: ramps \"$RAMPS\", steps of ${STEP_SECONDS} s, gateway -Xmx$HEAP standalone default (local store, embedded PostgreSQL)"
say "$(machine_line)"

# ---------------------------------------------------------------------------------------------
ramp_connections() {
  start_gateway "$WORK/gw-connections" "$HEAP" "${NO_REQUEST_LIMIT[@]}"
  local token api cursor url
  token=$(gateway_token bp-connections)
  api="http://127.0.0.1:$GW_PORT"
  check_status "$(curl -sS -o /dev/null -w '%{http_code}' --http2-prior-knowledge -H "Authorization: Bearer $token" \
    --data-binary "one file" -X PUT "$api/v1/files/bp/one.txt")" 201
  cursor=$(curl -sS --http2-prior-knowledge -H "Authorization: Bearer $token" "$api/v1/changes" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["cursor"])')
  url="$api/v1/changes?cursor=$cursor"
  check_status "$(curl -sS -o /dev/null -w '%{http_code}' --http2-prior-knowledge -H "Authorization: Bearer $token" "$url")" 200
  # JIT warm-up of the path, not measured
  h2load -t 1 -c 4 -m 4 -n 5000 -H "Authorization: Bearer $token" "$url" >/dev/null 2>&1 || true

  local how
  if [ "$CONN_MODE" = burst ]; then
    how="all connections opened at once, so their requests leave together at the start of every second"
  else
    how="connections opened over the first second (1% every 10 ms), so their requests are spread over each second"
  fi
  say ""
  say "## connections ($CONN_MODE): GET /v1/changes?cursor=HEAD, $CONN_RPS req/s per connection, h2c, one request in flight per connection, $how; ${WARMUP} s warm-up + ${STEP_SECONDS} s per step, load $(load)"
  say ""
  say "| connections | open | offered req/s | achieved req/s | p50 ms | p95 ms | p99 ms | max ms | errors (%) | failures | gateway CPU % | PostgreSQL CPU % | load generator CPU % | other CPU % | machine CPU % | heap peak MiB | gateway fds | verdict |"
  say "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  reset_ramp
  local top=""
  for asked in $CONNECTIONS; do
    local n threads log out pid before after open summary log_from pacing
    n=$(cap_level "$asked")
    top=$n
    threads=$((n < 2 ? 1 : 2))
    log="$WORK/h2load-$n.log"
    out="$WORK/h2load-$n.out"
    log_from=$(stat -c %s "$GW_DIR/gateway.log")
    if [ "$CONN_MODE" = burst ]; then
      pacing=(-D "$STEP_SECONDS" --warm-up-time "$WARMUP")
    else
      # -r and -D exclude each other: a fixed number of requests per connection instead, the first
      # WARMUP seconds cut from the log below; -T ends the step if the gateway falls far behind
      pacing=(-n "$((n * CONN_RPS * (WARMUP + STEP_SECONDS)))" -r "$(((n + 99) / 100 > threads ? (n + 99) / 100 : threads))"
        --rate-period 10ms -T "$((2 * (WARMUP + STEP_SECONDS) + 10))")
    fi
    h2load -t "$threads" -c "$n" -m 1 --rps "$CONN_RPS" "${pacing[@]}" \
      --log-file "$log" -H "Authorization: Bearer $token" "$url" >"$out" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    sleep "$((WARMUP + 1))"
    before=$(cpu_snapshot "$pid")
    start_sampler "$WORK/samples-conn-$n"
    sleep "$(((STEP_SECONDS - 2) / 2))"
    open=$(ss -Htn state established "( sport = :$GW_PORT )" | wc -l)
    sleep "$(((STEP_SECONDS - 2) - (STEP_SECONDS - 2) / 2))"
    after=$(cpu_snapshot "$pid")
    stop_sampler "$WORK/samples-conn-$n"
    wait "$pid" || true
    read -r gw_cpu pg_cpu busy client_cpu other_cpu <<<"$(cpu_delta "$before" "$after")"
    # achieved rate, p50/p95/p99/max of 2xx, non-2xx by status, from the per-request log (spread:
    # without its first WARMUP seconds); h2load's own count of requests that got no status
    summary=$(python3 - "$log" "$out" "$STEP_SECONDS" "$([ "$CONN_MODE" = burst ] && echo 0 || echo "$WARMUP")" <<'EOF'
import re, sys
rows = []
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) >= 3:
        rows.append((int(parts[0]), int(parts[1]), int(parts[2])))
warmup_us = float(sys.argv[4]) * 1e6
if rows and warmup_us:
    first = min(r[0] for r in rows)
    rows = [r for r in rows if r[0] >= first + warmup_us]
text = open(sys.argv[2]).read()
m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, \d+ succeeded, \d+ failed, (\d+) errored, (\d+) timeout", text)
not_done = int(m.group(1)) - int(m.group(3)) if m else 0
stream_errors = int(m.group(4)) + int(m.group(5)) if m else 0
ok = sorted(d for _, s, d in rows if 200 <= s < 300)
bad = {}
for _, s, d in rows:
    if not 200 <= s < 300:
        bad[s] = bad.get(s, 0) + 1
extra = max(0, stream_errors - bad.get(-1, 0)) + not_done
if extra:
    bad["not-answered"] = extra
total = len(rows) + extra
span = float(sys.argv[3])
if rows and warmup_us:
    starts = [r[0] for r in rows]
    span = max(1.0, (max(starts) - min(starts)) / 1e6)
def p(q):
    return ok[min(len(ok) - 1, int(q * len(ok)))] / 1000 if ok else float("nan")
errors = sum(bad.values())
print(f"rate={len(ok) / span:.0f} p50={p(0.5):.2f} p95={p(0.95):.2f} p99={p(0.99):.2f} "
      f"max={(ok[-1] / 1000 if ok else float('nan')):.2f} errors={errors} "
      f"error_pct={(100.0 * errors / total if total else 100.0):.2f} "
      f"failures={','.join(f'{k}={v}' for k, v in sorted(bad.items(), key=str)) or '0'}")
EOF
    )
    local rate p99 errpct failures why extra offered logged
    rate=$(kv rate "$summary")
    p99=$(kv p99 "$summary")
    errpct=$(kv error_pct "$summary")
    failures=$(kv failures "$summary")
    offered=$((n * CONN_RPS))
    why=$(resource_notes "$busy")
    [ "$open" -lt "$n" ] && why="${why:+$why; }only $open of $n connections open"
    [ "$failures" != 0 ] && why="${why:+$why; }failures $failures"
    logged=$(gateway_log_since "$log_from")
    [ -n "$logged" ] && why="${why:+$why; }gateway log: $logged"
    extra=""
    if awk -v r="$rate" -v o="$offered" 'BEGIN { exit !(r < 0.9 * o) }'; then
      extra="achieved $rate of $offered req/s offered"
    fi
    note_rate "$rate req/s" "$n connections"
    judge "$n connections" "$p99" "$errpct" "$why" "$extra"
    say "| $n | $open | $offered | $rate | $(kv p50 "$summary") | $(kv p95 "$summary") | $p99 | $(kv max "$summary") | $(kv errors "$summary") ($errpct) | $failures | $gw_cpu | $pg_cpu | $client_cpu | $other_cpu | $busy | $PEAK_HEAP | $PEAK_FDS | $VERDICT |"
    stop_ramp_here && break
  done
  say ""
  ramp_summary "connections, $CONN_MODE" "$top connections"
  finish_gateway
}

# Runs one step of the harness (its arguments after the first two) with its control files in
# $control, and measures the span it marks: sets result (its "result" line) and the CPU split
# gw_cpu, pg_cpu, busy, client_cpu, other_cpu. Stops the campaign when the harness gives no result.
measure_harness_step() {
  local label=$1 control=$2 pid before after
  shift 2
  "${HARNESS[@]}" "$@" >"$control/harness.out" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  if ! await_mark "$control/measure-start" "$pid"; then
    cat "$control/harness.out" >&2
    exit 1
  fi
  before=$(cpu_snapshot "$pid")
  start_sampler "$control/samples"
  await_mark "$control/measure-end" "$pid" || true
  after=$(cpu_snapshot "$pid")
  stop_sampler "$control/samples"
  wait "$pid" || true
  result=$(grep '^result ' "$control/harness.out" || true)
  if [ -z "$result" ]; then
    echo "the $label harness gave no result:" >&2
    tail -20 "$control/harness.out" >&2
    exit 1
  fi
  read -r gw_cpu pg_cpu busy client_cpu other_cpu <<<"$(cpu_delta "$before" "$after")"
}

# ---------------------------------------------------------------------------------------------
ramp_uploaders() {
  start_gateway "$WORK/gw-uploaders" "$HEAP" "${NO_REQUEST_LIMIT[@]}"
  local secret="$GW_DIR/data/keys/jwt-hs256.secret"
  # JIT warm-up, not measured
  "${HARNESS[@]}" upload "http://127.0.0.1:$GW_PORT" "$secret" "$WORK/warm-up" 16 1 "$UPLOAD_BYTES" 0 5 "$DRAIN" \
    >"$WORK/uploaders-warm-up.out" 2>&1 || true

  say ""
  say "## active uploaders: PUT of distinct $UPLOAD_BYTES-byte files back to back, $UPLOADERS_PER_USER uploader(s) per user, one h2c connection each, arriving over the first second, ${STEP_SECONDS} s per step (every upload started in it counts), load $(load)"
  say ""
  say "| uploaders | users | connections | files/s in step | MiB/s in step | files/s to last answer | p50 ms | p95 ms | p99 ms | max ms | errors (%) | failures | gateway CPU % | PostgreSQL CPU % | load generator CPU % | other CPU % | machine CPU % | heap peak MiB | gateway fds | verdict |"
  say "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  reset_ramp
  local top=""
  for asked in $UPLOADERS; do
    local n control result why failures conn_error log_from logged
    n=$(cap_level "$asked")
    top=$n
    control="$WORK/uploaders-$n"
    mkdir -p "$control"
    log_from=$(stat -c %s "$GW_DIR/gateway.log")
    measure_harness_step upload "$control" upload "http://127.0.0.1:$GW_PORT" "$secret" "$control" "$n" \
      "$UPLOADERS_PER_USER" "$UPLOAD_BYTES" 0 "$STEP_SECONDS" "$DRAIN"
    failures=$(kv outcomes "$result")
    conn_error=$(kv first_connection_error "$result")
    why=$(resource_notes "$busy")
    [ "$failures" != 0 ] && why="${why:+$why; }failures $failures"
    [ "$conn_error" != - ] && why="${why:+$why; }first connection error: $conn_error"
    logged=$(gateway_log_since "$log_from")
    [ -n "$logged" ] && why="${why:+$why; }gateway log: $logged"
    note_rate "$(kv files_per_s "$result") files/s ($(kv mib_per_s "$result") MiB/s)" "$n uploaders"
    judge "$n uploaders" "$(kv p99_ms "$result")" "$(kv error_pct "$result")" "$why"
    say "| $n | $(kv users "$result") | $(kv connections_max "$result") | $(kv files_per_s "$result") | $(kv mib_per_s "$result") | $(kv files_per_s_with_drain "$result") ($(kv last_answer_s "$result") s) | $(kv p50_ms "$result") | $(kv p95_ms "$result") | $(kv p99_ms "$result") | $(kv max_ms "$result") | $(kv errors "$result") ($(kv error_pct "$result")) | $failures$([ "$(kv unfinished "$result")" != 0 ] && echo ", unfinished=$(kv unfinished "$result")") | $gw_cpu | $pg_cpu | $client_cpu | $other_cpu | $busy | $PEAK_HEAP | $PEAK_FDS | $VERDICT |"
    stop_ramp_here && break
  done
  say ""
  ramp_summary uploaders "$top uploaders"
  finish_gateway
}

# ---------------------------------------------------------------------------------------------
ramp_files() {
  start_gateway "$WORK/gw-files" "$HEAP" "${NO_REQUEST_LIMIT[@]}"
  local secret="$GW_DIR/data/keys/jwt-hs256.secret"
  "${HARNESS[@]}" files "http://127.0.0.1:$GW_PORT" "$secret" "$WORK/files-warm-up" 2000 "$FILE_BYTES" 5 \
    >"$WORK/files-warm-up.out" 2>&1 || true

  say ""
  say "## files per user: one user, N files of $FILE_BYTES bytes in one folder (commit-batch, 250 a batch, 2 in flight); complete listing and complete delta-feed pull, 1,000 entries a page, each repeated for ${LIST_SECONDS} s, load $(load)"
  say ""
  say "| files | create s | created files/s | listing runs | listing p50 / p95 / p99 ms | listing page p99 ms | feed pulls | feed pull p50 / p95 / p99 ms | feed page p99 ms | µs per entry (listing / feed, p50) | errors (%) | gateway CPU % | PostgreSQL CPU % | load generator CPU % | other CPU % | machine CPU % | heap peak MiB | verdict |"
  say "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  reset_ramp
  local base_entry="" top=""
  for n in $FILES; do
    local control result why per_list per_feed worst extra log_from logged
    top=$n
    control="$WORK/files-$n"
    mkdir -p "$control"
    log_from=$(stat -c %s "$GW_DIR/gateway.log")
    measure_harness_step files "$control" files "http://127.0.0.1:$GW_PORT" "$secret" "$control" "$n" \
      "$FILE_BYTES" "$LIST_SECONDS"
    per_list=$(awk -v t="$(kv list_p50_ms "$result")" -v n="$n" 'BEGIN { printf "%.1f", t * 1000 / n }')
    per_feed=$(awk -v t="$(kv feed_p50_ms "$result")" -v n="$n" 'BEGIN { printf "%.1f", t * 1000 / n }')
    worst=$(awk -v a="$per_list" -v b="$per_feed" 'BEGIN { print (a > b ? a : b) }')
    why=$(resource_notes "$busy")
    [ "$(kv outcomes "$result")" != 0 ] && why="${why:+$why; }failures $(kv outcomes "$result")"
    [ "$(kv committed "$result")" != "$n" ] && why="${why:+$why; }only $(kv committed "$result") of $n files committed"
    logged=$(gateway_log_since "$log_from")
    [ -n "$logged" ] && why="${why:+$why; }gateway log: $logged"
    extra=""
    [ "$(kv committed "$result")" != "$n" ] && extra="only $(kv committed "$result") of $n files committed"
    judge "$n files" NaN "$(kv error_pct "$result")" "$why" "$extra"
    # files: per-entry cost against the first level with full pages replaces the p99 rule
    if [ "$n" -ge 1000 ] && [ -z "$base_entry" ]; then
      base_entry=$worst
    elif [ -n "$base_entry" ] && gt "$worst" "$(awk -v b="$base_entry" -v k="$SCALE_FACTOR" 'BEGIN { print b * k }')"; then
      [ "$VERDICT" = ok ] && VERDICT="slow (${worst} µs/entry > ${SCALE_FACTOR}x ${base_entry})"
      [ -z "$LATENCY_BREAK" ] && LATENCY_BREAK="$n files: ${worst} µs per entry, over ${SCALE_FACTOR}x the ${base_entry} µs of the first level with full pages${why:+; $why}"
    fi
    note_rate "$(kv create_files_per_s "$result") files/s created" "$n files"
    say "| $n | $(kv create_s "$result") | $(kv create_files_per_s "$result") | $(kv list_runs "$result") | $(kv list_p50_ms "$result") / $(kv list_p95_ms "$result") / $(kv list_p99_ms "$result") | $(kv list_page_p99_ms "$result") | $(kv feed_runs "$result") | $(kv feed_p50_ms "$result") / $(kv feed_p95_ms "$result") / $(kv feed_p99_ms "$result") | $(kv feed_page_p99_ms "$result") | $per_list / $per_feed | $(kv errors "$result") ($(kv error_pct "$result")) | $gw_cpu | $pg_cpu | $client_cpu | $other_cpu | $busy | $PEAK_HEAP | $VERDICT |"
    stop_ramp_here && break
  done
  say ""
  ramp_summary files "$top files"
  finish_gateway
}

for ramp in $RAMPS; do
  case $ramp in
  connections) ramp_connections ;;
  uploaders) ramp_uploaders ;;
  files) ramp_files ;;
  *)
    echo "unknown ramp $ramp (connections, uploaders, files)" >&2
    exit 2
    ;;
  esac
done
say ""
say "finished $(date -u +%Y-%m-%dT%H:%MZ), load $(load)"
echo "tables also in $OUT"
