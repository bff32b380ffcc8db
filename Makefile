# Set-up on a fresh machine: `make run` (demo server) and `make test` (checks + test suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help run test format

help:
	@echo "make run     set up .venv and the database, load the demo data, run Celery and the server"
	@echo "make test    install PostgreSQL/Redis/Python packages, run the checks and the test suite"
	@echo "make format  apply ruff's formatting and safe lint fixes"

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

format:
	@bash scripts/format.sh
