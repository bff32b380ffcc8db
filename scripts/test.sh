#!/usr/bin/env bash
# `make test`: installs what is missing, then runs the checks and the test suite on SQLite and on a
# throwaway PostgreSQL (with a throwaway Redis for Celery). Exits non-zero if any stage fails.
#
# Extra arguments are passed to both pytest runs, e.g. scripts/test.sh -k leads -x
# Environment knobs: PYTEST_WORKERS (default 2; 0 or 1 = no xdist), FAIL_FAST=1 (stop at first failure).
set -euo pipefail

# Debian packages the test run needs (add chromium, WeasyPrint's libraries... here).
DEBIAN_PACKAGES="postgresql redis-server gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium"

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/services.sh
source "$REPO_ROOT/scripts/services.sh"
cd "$REPO_ROOT"

PYTEST_WORKERS="${PYTEST_WORKERS:-2}"
FAIL_FAST="${FAIL_FAST:-0}"
START_TIME=$SECONDS

# Reproducible runs: ignore CRM settings that may be set in the caller's shell.
unset DATABASE_URL REDIS_URL CRM_PRODUCTION DEBUG SECRET_KEY ALLOWED_HOSTS CSRF_TRUSTED_ORIGINS \
    EMAIL_HOST EMAIL_PORT EMAIL_HOST_USER EMAIL_HOST_PASSWORD EMAIL_USE_TLS EMAIL_USE_SSL \
    EMAIL_BACKEND DEFAULT_FROM_EMAIL CELERY_TASK_ALWAYS_EAGER
export DJANGO_SETTINGS_MODULE=crm.settings
export PYTHONDONTWRITEBYTECODE=1
[[ -f .env ]] && warn ".env exists: crm.settings reads it for variables this script does not set"

SERVICES_DIR=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    stop_services
    [[ -n "$SERVICES_DIR" && -d "$SERVICES_DIR" ]] && rm -rf "$SERVICES_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- stage bookkeeping -------------------------------------------------------------------------
STAGE_RESULTS=()
FAILED=0

# stage "Title" command...: run one check/test stage, record its result and duration.
stage() {
    local title="$1" rc=0 t0=$SECONDS
    shift
    header "$title"
    printf '    $ %s\n' "$*"
    "$@" || rc=$?
    local took=$((SECONDS - t0))
    if [[ $rc -eq 0 ]]; then
        STAGE_RESULTS+=("${_GREEN}PASS${_RESET}  ${title} (${took}s)")
    else
        STAGE_RESULTS+=("${_RED}FAIL${_RESET}  ${title} (${took}s, exit code ${rc})")
        FAILED=1
        printf '%s%s failed with exit code %s%s\n' "$_RED" "$title" "$rc" "$_RESET" >&2
        if [[ "$FAIL_FAST" == 1 ]]; then
            summary
            exit 1
        fi
    fi
}

summary() {
    header "Summary ($((SECONDS - START_TIME))s)"
    local line
    for line in "${STAGE_RESULTS[@]}"; do
        printf '    %s\n' "$line"
    done
}

# --- set-up ------------------------------------------------------------------------------------
header "System packages: $DEBIAN_PACKAGES"
# shellcheck disable=SC2086
ensure_debian_packages $DEBIAN_PACKAGES

header "Python virtualenv (.venv, requirements-dev.txt)"
ensure_venv requirements-dev.txt
activate_venv
info "$(python --version)"

header "Throwaway PostgreSQL and Redis"
SERVICES_DIR="$(mktemp -d /tmp/crm-test.XXXXXX)"
start_postgres
start_redis # exports REDIS_URL for everything below

# --- checks ------------------------------------------------------------------------------------
DEPLOY_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')"

stage "Lint: ruff check" ruff check .
stage "Format: ruff format --check" ruff format --check .
stage "Django system checks" python manage.py check
# On the throwaway PostgreSQL, so that the migration history check has a database to look at.
stage "Migrations up to date" env DATABASE_URL="$DATABASE_URL_POSTGRES" \
    python manage.py makemigrations --check --dry-run
stage "Deployment checks (CRM_PRODUCTION=1)" env CRM_PRODUCTION=1 SECRET_KEY="$DEPLOY_SECRET_KEY" \
    ALLOWED_HOSTS=crm.example.com python manage.py check --deploy --fail-level WARNING
stage "Type checks: mypy" mypy .

# --- test suite --------------------------------------------------------------------------------
PYTEST_ARGS=(-p no:cacheprovider)
if [[ "$PYTEST_WORKERS" =~ ^[0-9]+$ && "$PYTEST_WORKERS" -gt 1 ]]; then
    PYTEST_ARGS+=(-n "$PYTEST_WORKERS")
fi
PYTEST_ARGS+=("$@")

# pytest exit code 5 (no tests collected) is non-zero, so it counts as a failure like any other.
# The API fuzzing run is long and exercises the API, not the database: it runs once, on PostgreSQL.
# So do the browser tests (Playwright driving Debian's Chromium against a live server).
stage "Tests on SQLite" env -u DATABASE_URL python -m pytest -m "not api_fuzz and not browser" "${PYTEST_ARGS[@]}"
stage "Tests on PostgreSQL" env DATABASE_URL="$DATABASE_URL_POSTGRES" python -m pytest "${PYTEST_ARGS[@]}"

summary
if [[ $FAILED -ne 0 ]]; then
    printf '\n%smake test: FAILED%s\n' "$_RED" "$_RESET"
    exit 1
fi
printf '\n%smake test: all checks and tests passed%s\n' "$_GREEN" "$_RESET"
