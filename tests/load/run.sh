#!/usr/bin/env bash
# `make load`: the locust scenario (tests/load/locustfile.py) against gunicorn on 127.0.0.1 with
# PostgreSQL and the demo region; prints p50/p95/p99 and the errors, exits 1 when p95 > LOAD_P95_MS
# or any request failed. Manual, not part of CI. See docs/operations.md («Load test»).
#
#   LOAD_USERS=50 LOAD_SPAWN_RATE=10 LOAD_TIME=60s   the locust run (fixed users and duration)
#   LOAD_LOGIN_CONCURRENCY=2                       logins in flight at once while the users start
#   LOAD_WARMUP=10s                                ordinary work after the logins, not measured
#   LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/nastavnik_load   created and seeded once
#   LOAD_SCHOOLS=300 LOAD_MUNICIPALITIES=15        the demo region (another size: drop the database)
#   LOAD_WORKERS=2*nproc+1                         gunicorn processes
#   LOAD_CACHE_URL=redis://127.0.0.1:6379/12       cache and sessions as in production (if Redis answers)
#   LOAD_P95_MS=300                                the target
set -euo pipefail
cd "$(dirname "$0")/../.."

users=${LOAD_USERS:-50}
spawn_rate=${LOAD_SPAWN_RATE:-10}
run_time=${LOAD_TIME:-60s}
workers=${LOAD_WORKERS:-$(( $(nproc) * 2 + 1 ))}
export LOAD_P95_MS=${LOAD_P95_MS:-300}

export DATABASE_URL=${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/nastavnik_load}
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "load: LOAD_DATABASE_URL must be a PostgreSQL URL" >&2; exit 2 ;;
esac
# Production-like process: no debug, a secret of its own, only the loopback as host name.
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-load-test-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_BEHIND_PROXY=1
export DJANGO_LOG_LEVEL=WARNING
export DJANGO_STATIC_ROOT=${DJANGO_STATIC_ROOT:-$PWD/staticfiles}
# Fifty users log in from one address within seconds: no login throttling in this run.
export AXES_ENABLED=0
# No page of the scenario queues a job; without a broker nothing waits for a worker.
unset CELERY_BROKER_URL CELERY_RESULT_BACKEND
cache_url=${LOAD_CACHE_URL:-redis://127.0.0.1:6379/12}
if [ -z "${LOAD_CACHE_URL+x}" ] && ! redis-cli -u "$cache_url" ping 2>/dev/null | grep -q PONG; then
  echo "load: Redis does not answer at $cache_url: cache and sessions in process memory"
  unset CACHE_URL
else
  export CACHE_URL=$cache_url
fi

py=.venv/bin/python
db_name=${DATABASE_URL##*/}
db_server=${DATABASE_URL%/*}
if ! psql "$db_server/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db_name'" | grep -q 1; then
  echo "== creating database $db_name"
  psql "$db_server/postgres" -qc "CREATE DATABASE \"$db_name\""
fi

work=$(mktemp -d)
gunicorn_pid=""
cleanup() {
  if [ -n "$gunicorn_pid" ] && kill -0 "$gunicorn_pid" 2>/dev/null; then
    kill -TERM "$gunicorn_pid"
    for _ in $(seq 1 30); do kill -0 "$gunicorn_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$gunicorn_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== migrate, demo data, indicators ($db_name)"
$py manage.py migrate --noinput -v 0
$py -m tests.load.prepare "$work/accounts.jsonl"
if [ ! -f "$DJANGO_STATIC_ROOT/staticfiles.json" ] || [ -n "$(find static -newer "$DJANGO_STATIC_ROOT/staticfiles.json" -print -quit)" ]; then
  echo "== collectstatic"
  $py manage.py collectstatic --noinput -v 0
fi

port=$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "== gunicorn on 127.0.0.1:$port, $workers workers"
.venv/bin/gunicorn mentoring.wsgi:application --bind "127.0.0.1:$port" --workers "$workers" \
  --preload --no-control-socket --access-logfile "$work/access.log" --error-logfile "$work/gunicorn.log" \
  --timeout 60 2>>"$work/gunicorn.log" &
gunicorn_pid=$!
healthy() { curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$port/healthz/" 2>/dev/null; }
for _ in $(seq 1 120); do
  healthy && break
  if ! kill -0 "$gunicorn_pid" 2>/dev/null; then cat "$work/gunicorn.log" >&2; exit 1; fi
  sleep 0.5
done
healthy || { echo "load: gunicorn did not answer /healthz/ within 60 s" >&2; cat "$work/gunicorn.log" >&2; exit 1; }

echo "== locust: $users users (+$spawn_rate/s) for $run_time"
status=0
# The user count, rate and time are read by the scenario's SteadyState shape from LOAD_* variables.
LOAD_USERS=$users LOAD_SPAWN_RATE=$spawn_rate LOAD_TIME=$run_time LOAD_ACCOUNTS="$work/accounts.jsonl" \
  LOAD_SERVER_PID=$gunicorn_pid LOAD_DATABASE_NAME=$db_name \
  .venv/bin/locust -f tests/load/locustfile.py --headless --host "http://127.0.0.1:$port" \
  --stop-timeout 10 --only-summary --loglevel WARNING || status=$?

if grep -q " 500 \| 502 \| 504 " "$work/access.log" 2>/dev/null || grep -q "Traceback" "$work/gunicorn.log"; then
  echo "== server errors (gunicorn log):"
  grep -A3 "Traceback\|ERROR" "$work/gunicorn.log" | tail -40 || true
fi
echo "== machine: $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
