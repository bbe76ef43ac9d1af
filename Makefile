# The two commands from the README:
#   make run    set up and run deskbreak (tray icon; console mode without a desktop)
#   make test   install everything the tests need, then run them all
.PHONY: run test demo bench lint fuzz

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
	.venv/bin/python benchmarks/bench_install.py --write-docs

lint:
	@scripts/bootstrap
	.venv/bin/ruff check deskbreak tests benchmarks
	.venv/bin/mypy

# Longer fuzzing than CI's fixed budget: 20,000 hypothesis examples each over mutated shipped
# programmes, control request lines and activity traces, then 10 minutes of coverage-guided
# atheris (skipped if atheris cannot be installed).
fuzz:
	@scripts/bootstrap
	-.venv/bin/pip install -q atheris
	DESKBREAK_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest -q tests/test_fuzz_programmes.py \
		tests/test_fuzz_inputs.py
	mkdir -p out/fuzz
	.venv/bin/python scripts/fuzz_programmes.py -max_total_time=600 -artifact_prefix=out/fuzz/
