#!/usr/bin/env bash
# `make bench`: server time of the pages, Kanban, record pages, API lists and reports (SPEC §9).
# Needs DATABASE_URL pointing at a PostgreSQL database; BENCH_ARGS are passed on, e.g. "--size 300000".
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
[[ "${DATABASE_URL:-}" == postgres* ]] || die "set DATABASE_URL to a PostgreSQL database (the SPEC §9 targets are PostgreSQL's)"
ensure_venv requirements.txt
activate_venv
python manage.py migrate --noinput -v0
# shellcheck disable=SC2086
python -m bench.run ${BENCH_ARGS:-} --json var/bench.json
