#!/usr/bin/env bash
# `make format`: apply ruff's formatting and its safe lint fixes (run it after makemigrations too).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
ensure_venv requirements-dev.txt
activate_venv
ruff format .
ruff check --fix .
