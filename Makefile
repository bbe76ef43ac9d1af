# The two commands from the README:
#   make run    set up and run deskbreak (tray icon; console mode without a desktop)
#   make test   install everything the tests need, then run them all
.PHONY: run test demo bench lint

run:
	@scripts/bootstrap
	.venv/bin/deskbreak run

test:
	@scripts/bootstrap --system-packages
	.venv/bin/python -m pytest

demo:
	@scripts/bootstrap
	.venv/bin/deskbreak demo

bench:
	@scripts/bootstrap --benchmark-packages
	.venv/bin/python benchmarks/bench_core.py
	.venv/bin/python benchmarks/bench_reports.py --write-docs
	.venv/bin/python benchmarks/bench_clinic.py --write-docs
	.venv/bin/python benchmarks/bench_service.py

lint:
	.venv/bin/ruff check deskbreak tests benchmarks
	.venv/bin/mypy
