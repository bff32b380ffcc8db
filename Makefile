# Set-up on a fresh machine: `make run` (demo server) and `make test` (checks + test suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help run test format bench

help:
	@echo "make run     set up .venv and the database, load the demo data, run Celery and the server"
	@echo "make test    install PostgreSQL/Redis/Python packages, run the checks and the test suite"
	@echo "make format  apply ruff's formatting and safe lint fixes"
	@echo "make bench   measure the pages' server time on DATABASE_URL (PostgreSQL); BENCH_ARGS=--size N seeds first"

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

format:
	@bash scripts/format.sh

bench:
	@bash scripts/bench.sh
