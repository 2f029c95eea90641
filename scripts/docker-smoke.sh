#!/usr/bin/env bash
# Smoke test of the Docker image and fly.toml's release command, on a local Docker daemon.
#
#   bash scripts/docker-smoke.sh [TAG]          # TAG defaults to pitwall:smoke
#
# 1. builds the image from the repository's Dockerfile (unmodified);
# 2. checks it runs as the non-root user pitwall (uid 10001) and can write PITWALL_DATA_DIR;
# 3. embedded defaults (PGlite, no DATABASE_URL) on a fresh data volume: /healthz and /readyz 200, then
#    SIGTERM → exit 0 with the last log line JSON; then `seed-demo --if-empty` into the same volume (what
#    `npm start` does first) and `serve` again: /chat 200, /readyz counts the demo documents, /metrics only on
#    METRICS_PORT, and an open rider SSE stream gets `event: reconnect` when SIGTERM arrives;
# 4. PostgreSQL: a scratch database next to $SMOKE_DATABASE_ADMIN_URL; fly.toml's release_command (run twice:
#    it must be idempotent) and `serve` with DATABASE_URL and DIRECT_DATABASE_URL: /healthz, /readyz 200,
#    SIGTERM → exit 0.
# Containers, the volume and the scratch database are removed on exit (the image is kept). A failure names
# the step and prints the container's last log lines.
#
# Needs: docker, curl, psql (a client for the admin URL). Containers use --network host (the app and
# PostgreSQL on 127.0.0.1; it is also how the build reaches the npm registry where the bridge network cannot).
# Base images (node:20-bookworm-slim, debian:bookworm-slim) come from wherever the daemon gets them. On the
# machine where this was first run Docker Hub was unreachable, so both were built locally under those tags
# (Debian bookworm minbase via debootstrap; the host's Node 20 and npm) — see docs/deploy.md.
#
# Environment:
#   SMOKE_DATABASE_ADMIN_URL  default postgres://postgres@127.0.0.1:5432/postgres (may create/drop databases)
#   SMOKE_READY_TIMEOUT       seconds to wait for /readyz 200 (default 120)
#   SMOKE_SKIP_BUILD=1        use an existing TAG instead of building
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TAG=${1:-pitwall:smoke}
ADMIN_URL=${SMOKE_DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
READY_TIMEOUT=${SMOKE_READY_TIMEOUT:-120}
RUN_ID="$$-$RANDOM"
NAME="pitwall-smoke-$RUN_ID"
VOLUME="pitwall-smoke-data-$RUN_ID"
DB_NAME="pitwall_smoke_${RUN_ID//-/_}"
TMP=$(mktemp -d)
STEP="start"
CONTAINER=""        # the container the current step is about (its logs are shown on failure)
DB_CREATED=""
SSE_PID=""
SUMMARY=()

log() { printf '\033[1m[smoke]\033[0m %s\n' "$*"; }
fail() { printf '\033[31m[smoke] error: %s\033[0m\n' "$*" >&2; exit 1; }
step() { STEP=$1; CONTAINER=""; log "── $STEP"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )); }

cleanup() {
  local rc=$?
  set +e
  if [ "$rc" -ne 0 ]; then
    printf '\033[31m[smoke] FAILED in step "%s" (exit %s)\033[0m\n' "$STEP" "$rc" >&2
    if [ -n "$CONTAINER" ] && docker inspect "$CONTAINER" >/dev/null 2>&1; then
      echo "--- last log lines of $CONTAINER ($(docker inspect -f 'status={{.State.Status}} exit={{.State.ExitCode}}' "$CONTAINER")):" >&2
      docker logs --tail 40 "$CONTAINER" >&2 2>&1
    fi
  fi
  [ -n "$SSE_PID" ] && kill "$SSE_PID" 2>/dev/null
  for c in $(docker ps -aq --filter "name=^pitwall-smoke-$RUN_ID" 2>/dev/null); do docker rm -f "$c" >/dev/null 2>&1; done
  docker volume rm -f "$VOLUME" >/dev/null 2>&1
  if [ -n "$DB_CREATED" ]; then
    psql "$ADMIN_URL" -qX -v ON_ERROR_STOP=1 -c "drop database if exists \"$DB_NAME\" with (force)" >/dev/null \
      || echo "[smoke] could not drop the scratch database $DB_NAME" >&2
  fi
  rm -rf "$TMP"
  [ "$rc" -eq 0 ] && log "cleaned up (containers, volume, scratch database); image $TAG kept"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A TCP port nothing on the host listens on (the containers share the host's network).
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  fail "no free TCP port found"
}

# wait_200 URL TIMEOUT_S: poll until 200 while the container runs; prints ms since $T0.
wait_200() {
  local url=$1 timeout=$2 code=000 deadline=$(( $(now_ms) + $2 * 1000 ))
  : > "$TMP/body"
  while [ "$(now_ms)" -lt "$deadline" ]; do
    code=$(curl -s -m 3 -o "$TMP/body" -w '%{http_code}' "$url" || true)
    if [ "$code" = 200 ]; then echo $(( $(now_ms) - T0 )); return 0; fi
    [ "$(docker inspect -f '{{.State.Running}}' "$CONTAINER" 2>/dev/null)" = true ] \
      || fail "the container exited while waiting for $url"
    sleep 0.1
  done
  fail "$url not 200 after ${timeout}s (last status $code: $(head -c 400 "$TMP/body" 2>/dev/null))"
}

# expect_status URL CODE
expect_status() {
  local code
  code=$(curl -s -m 5 -o "$TMP/body" -w '%{http_code}' "$1" || true)
  [ "$code" = "$2" ] || fail "GET $1 → $code, expected $2 ($(head -c 300 "$TMP/body"))"
}

# serve_up LABEL ARGS...: docker run -d (host network, fresh ports) and wait for /healthz and /readyz 200.
serve_up() {
  local label=$1; shift
  PORT=$(free_port); MPORT=$(free_port)
  [ "$PORT" != "$MPORT" ] || MPORT=$(free_port)
  CONTAINER="$NAME-$label"
  T0=$(now_ms)
  docker run -d --name "$CONTAINER" --network host -e PORT="$PORT" -e METRICS_PORT="$MPORT" "$@" "$TAG" >/dev/null \
    || fail "docker run failed"
  local h r
  h=$(wait_200 "http://127.0.0.1:$PORT/healthz" 60)
  r=$(wait_200 "http://127.0.0.1:$PORT/readyz" "$READY_TIMEOUT")
  READYZ=$(cat "$TMP/body")
  log "$label: /healthz 200 after $(secs "$h") s, /readyz 200 after $(secs "$r") s (from docker run): $READYZ"
  SUMMARY+=("$label: docker run → /healthz 200 $(secs "$h") s, → /readyz 200 $(secs "$r") s")
}

# stop_clean: SIGTERM (docker stop; SIGKILL after fly.toml's kill_timeout of 15 s), expect exit 0 and the
# last stdout line a JSON "server stopped" log line.
stop_clean() {
  local t ms code last nonjson
  t=$(now_ms)
  docker stop -t 15 "$CONTAINER" >/dev/null || fail "docker stop failed"
  ms=$(( $(now_ms) - t ))
  code=$(docker inspect -f '{{.State.ExitCode}}' "$CONTAINER")
  [ "$code" = 0 ] || fail "exit code $code after SIGTERM (expected 0; 137 means it was killed after 15 s)"
  last=$(docker logs "$CONTAINER" 2>/dev/null | tail -n 1)
  [[ "$last" =~ ^\{.*\"msg\":\"server\ stopped\".*\}$ ]] || fail "last stdout line is not the JSON 'server stopped' line: $last"
  nonjson=$(docker logs "$CONTAINER" 2>/dev/null | grep -cv '^{' || true)
  log "$(basename "$CONTAINER"): SIGTERM → exit 0 in $(secs "$ms") s; last line: $last"
  [ "$nonjson" -eq 0 ] || log "note: $nonjson stdout line(s) were not JSON: $(docker logs "$CONTAINER" 2>/dev/null | grep -v '^{' | tr '\n' '|')"
  SUMMARY+=("$(basename "$CONTAINER"): SIGTERM → exit 0 in $(secs "$ms") s")
  docker rm "$CONTAINER" >/dev/null
}

# ───────────────────────────────────────────────────────────────────────────────────────────────────────────
step "preflight"
for tool in docker curl psql; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done
docker info >/dev/null 2>&1 || fail "no Docker daemon answers (docker info)"
psql "$ADMIN_URL" -qXAt -c 'select 1' >/dev/null || fail "cannot connect to SMOKE_DATABASE_ADMIN_URL ($ADMIN_URL)"
RELEASE_CMD=$(sed -nE 's/^[[:space:]]*release_command[[:space:]]*=[[:space:]]*"([^"]*)".*/\1/p' "$ROOT/fly.toml")
[ -n "$RELEASE_CMD" ] || fail "no release_command in fly.toml"
log "image $TAG; release command from fly.toml: $RELEASE_CMD"

step "build"
if [ "${SMOKE_SKIP_BUILD:-}" = 1 ]; then
  docker image inspect "$TAG" >/dev/null 2>&1 || fail "SMOKE_SKIP_BUILD=1 but there is no image $TAG"
  log "skipped (SMOKE_SKIP_BUILD=1)"
else
  t=$(now_ms)
  docker build --network host -t "$TAG" "$ROOT" > "$TMP/build.log" 2>&1 \
    || { tail -n 40 "$TMP/build.log" >&2; fail "docker build failed (last 40 lines above)"; }
  grep -E '^built dist/' "$TMP/build.log" | sed 's/^/[smoke]   /' || true
  ms=$(( $(now_ms) - t ))
  log "built in $(secs "$ms") s"
  SUMMARY+=("docker build: $(secs "$ms") s")
fi
SIZE=$(docker image inspect -f '{{.Size}}' "$TAG")
SUMMARY+=("image size: $(( SIZE / 1000000 )) MB ($SIZE bytes)")
log "image size $(( SIZE / 1000000 )) MB"

step "user and data directory"
user=$(docker image inspect -f '{{.Config.User}}' "$TAG")
[ "$user" = pitwall ] || fail "image USER is '$user', expected pitwall"
ids=$(docker run --rm --network none --entrypoint /bin/sh "$TAG" -c \
  'id -u; touch "$PITWALL_DATA_DIR/.w" && rm "$PITWALL_DATA_DIR/.w" && echo writable')
[ "$ids" = $'10001\nwritable' ] || fail "expected uid 10001 and a writable \$PITWALL_DATA_DIR, got: $ids"
log "runs as pitwall (uid 10001); PITWALL_DATA_DIR writable"

step "embedded defaults: serve on a fresh data volume"
serve_up embedded -v "$VOLUME:/var/lib/pitwall"
[[ "$READYZ" == *'"detail":"pglite"'* ]] || fail "/readyz does not report PGlite: $READYZ"
stop_clean

step "embedded defaults: seed-demo --if-empty, then serve"
CONTAINER="$NAME-seed"
docker run --name "$CONTAINER" --network host -v "$VOLUME:/var/lib/pitwall" "$TAG" /app/pitwall seed-demo --if-empty \
  > "$TMP/seed.out" 2>&1 || fail "seed-demo failed: $(tail -n 20 "$TMP/seed.out")"
grep -E '^Documents:' "$TMP/seed.out" | sed 's/^/[smoke]   /' || true
docker rm "$CONTAINER" >/dev/null
serve_up demo -v "$VOLUME:/var/lib/pitwall"
[[ "$READYZ" =~ \"orama,\ [1-9][0-9]*\ documents ]] || fail "/readyz does not count the demo documents: $READYZ"
curl -s -c "$TMP/jar" -b "$TMP/jar" -o "$TMP/chat.html" -w '%{http_code}' "http://127.0.0.1:$PORT/chat" | grep -qx 200 \
  || fail "GET /chat is not 200 after seed-demo"
expect_status "http://127.0.0.1:$PORT/metrics" 404    # METRICS_PORT set, no METRICS_TOKEN: not on the main port
expect_status "http://127.0.0.1:$MPORT/metrics" 200
CONV=$(grep -oE '/chat/[0-9a-f-]{36}/events' "$TMP/chat.html" | head -n 1 | cut -d/ -f3)
[ -n "$CONV" ] || fail "no /chat/<id>/events stream in the chat page"
curl -s -N -m 30 -b "$TMP/jar" "http://127.0.0.1:$PORT/chat/$CONV/events" > "$TMP/sse.out" 2>/dev/null &
SSE_PID=$!
for _ in $(seq 1 50); do grep -q '^event: ready' "$TMP/sse.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^event: ready' "$TMP/sse.out" || fail "the rider event stream did not open"
stop_clean
wait "$SSE_PID" || true; SSE_PID=""
grep -q '^event: reconnect' "$TMP/sse.out" || fail "the open SSE stream got no 'event: reconnect' on SIGTERM"
log "open rider SSE stream ended with event: reconnect ($(grep -m1 '^retry:' "$TMP/sse.out"))"

step "PostgreSQL: scratch database"
psql "$ADMIN_URL" -qX -v ON_ERROR_STOP=1 -c "create database \"$DB_NAME\"" >/dev/null || fail "create database $DB_NAME"
DB_CREATED=1
base=${ADMIN_URL%%\?*}
query=${ADMIN_URL:${#base}}
DB_URL="${base%/*}/$DB_NAME$query"
log "scratch database $DB_NAME"

step "PostgreSQL: release command ($RELEASE_CMD)"
for run in first second; do
  CONTAINER="$NAME-release-$run"
  t=$(now_ms)
  # shellcheck disable=SC2086  # the release command is split into words, as Fly does
  docker run --name "$CONTAINER" --network host -e DATABASE_URL="$DB_URL" -e DIRECT_DATABASE_URL="$DB_URL" \
    "$TAG" $RELEASE_CMD > "$TMP/release.out" 2>&1 || fail "$RELEASE_CMD ($run run) failed: $(cat "$TMP/release.out")"
  log "$run run: exit 0 in $(secs $(( $(now_ms) - t ))) s: $(tr '\n' ' ' < "$TMP/release.out")"
  docker rm "$CONTAINER" >/dev/null
done
tables=$(psql "$DB_URL" -qXAt -c "select count(*) from information_schema.tables where table_schema = 'public'")
[ "$tables" -gt 0 ] || fail "no tables in public after $RELEASE_CMD"
log "$tables tables in public"

step "PostgreSQL: serve"
serve_up postgres -e DATABASE_URL="$DB_URL" -e DIRECT_DATABASE_URL="$DB_URL"
[[ "$READYZ" == *'"detail":"postgres"'* ]] || fail "/readyz does not report PostgreSQL: $READYZ"
stop_clean

STEP="done"
log "PASSED"
for line in "${SUMMARY[@]}"; do log "  $line"; done
