#!/usr/bin/env bash
# `make run`: sets up .venv and the database, loads the demo data, then runs the Celery worker
# (with beat) in the background and the development server in the foreground. Ctrl-C stops both.
#
# Environment knobs: PORT (default 8000). Without REDIS_URL Celery uses the embedded broker in
# var/celery-queue/; without DATABASE_URL the database is var/crm.sqlite3.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

# Debian packages the server needs at run time: WeasyPrint's libraries and a font for the PDFs.
RUNTIME_DEBIAN_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"

PORT="${PORT:-8000}"
ADDRESS="127.0.0.1:$PORT"
CELERY_LOG="$REPO_ROOT/var/log/celery.log"

header "System packages: $RUNTIME_DEBIAN_PACKAGES"
# shellcheck disable=SC2086
ensure_debian_packages $RUNTIME_DEBIAN_PACKAGES

header "Python virtualenv (.venv, requirements.txt)"
ensure_venv requirements.txt
activate_venv

mkdir -p var/log var/celery-queue/control

header "Database migrations"
python manage.py migrate --noinput

header "Demo data"
python manage.py seed_demo

CELERY_PID=""
stop_worker() {
    trap - EXIT INT TERM HUP
    if [[ -n "$CELERY_PID" ]] && kill -0 "$CELERY_PID" 2>/dev/null; then
        info "stopping the Celery worker (pid $CELERY_PID)"
        # Warm shutdown of the main process (it stops its pool and beat), then, after 20 s or once
        # it is gone, kill whatever is left in its process group.
        kill -TERM "$CELERY_PID" 2>/dev/null || true
        (sleep 20 && kill -KILL -- "-$CELERY_PID" 2>/dev/null) &
        local watchdog=$!
        wait "$CELERY_PID" 2>/dev/null || true
        kill "$watchdog" 2>/dev/null || true
        kill -KILL -- "-$CELERY_PID" 2>/dev/null || true
    fi
}
trap stop_worker EXIT
trap 'exit 0' INT # Ctrl-C is the normal way to stop
trap 'exit 143' TERM
trap 'exit 129' HUP

header "Celery worker + beat"
# setsid: own process group, so that Ctrl-C reaches only the server; stop_worker stops the worker.
setsid celery -A crm worker -B -l info >>"$CELERY_LOG" 2>&1 </dev/null &
CELERY_PID=$!
if [[ -n "${REDIS_URL:-}" ]]; then
    info "broker: Redis ($REDIS_URL)"
else
    info "broker: embedded, in var/celery-queue/"
fi
info "pid $CELERY_PID, log in var/log/celery.log"

sleep 1
if ! kill -0 "$CELERY_PID" 2>/dev/null; then
    warn "the Celery worker stopped right away; last lines of var/log/celery.log:"
    tail -n 20 "$CELERY_LOG" >&2 || true
    CELERY_PID=""
fi

cat <<EOF

${_BOLD}CRM running at http://$ADDRESS${_RESET}

    Demo logins (user / password):
      admin / demo
      manager / demo
      rep / demo
      rep2 / demo

    Press Ctrl-C to stop the server and the Celery worker.

EOF

python manage.py runserver "$ADDRESS"
