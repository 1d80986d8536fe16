#!/usr/bin/env bash
# Small-file benchmark: N distinct 4 KiB files PUT through the gateway in its standalone default
# (local-disk store + embedded PostgreSQL + change journal), at several concurrency levels, with
# files/s and latency percentiles. When nginx is installed, the same harness PUTs the same files
# to nginx's WebDAV module on the same disk over HTTP/1.1 as a baseline.
#
#   bench/small-files.sh                  # 20000 files at concurrency 16 and 64
#   FILES=5000 CONCURRENCY="8 32" bench/small-files.sh
#
# Needs: a built jar (mvn -DskipTests package), java, curl; nginx optional (apt-get install nginx).
set -euo pipefail

FILES=${FILES:-20000}
CONCURRENCY=${CONCURRENCY:-"16 64"}
SIZE=${SIZE:-4096}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

require_jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ironsync-bench.XXXXXX")
trap cleanup EXIT

harness() {
  java -cp "$JAR" "$ROOT/bench/SmallFiles.java" "$@"
}

printf '# small files: %s files of %s bytes, machine: %s, %s cores, date %s\n' \
  "$FILES" "$SIZE" "$(uname -srm)" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"

start_gateway "$WORK/gw" 1g
TOKEN=$(gateway_token bench)
for c in $CONCURRENCY; do
  for protocol in h2c h1; do
    printf 'gateway  '
    harness "http://127.0.0.1:$GW_PORT/v1/files/bench/c$c-$protocol/" "$FILES" "$c" "$SIZE" "$protocol" "$TOKEN"
  done
done
stop_gateway

if command -v nginx >/dev/null; then
  NGINX_PORT=$(free_port)
  mkdir -p "$WORK/nginx/dav" "$WORK/nginx/tmp"
  # nginx workers run as an unprivileged user when started by root
  chmod 777 "$WORK/nginx/dav" "$WORK/nginx/tmp"
  chmod a+x "$WORK" "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      root $WORK/nginx/dav;
      dav_methods PUT;
      create_full_put_path on;
      client_max_body_size 10m;
    }
  }
}
EOF
  nginx -c "$WORK/nginx/nginx.conf"
  PIDS+=("$(cat "$WORK/nginx/nginx.pid")")
  for c in $CONCURRENCY; do
    printf 'nginx    '
    harness "http://127.0.0.1:$NGINX_PORT/bench/c$c/" "$FILES" "$c" "$SIZE" h1
  done
  kill "$(cat "$WORK/nginx/nginx.pid")"
else
  echo "nginx not installed: no WebDAV baseline (apt-get install nginx)"
fi
