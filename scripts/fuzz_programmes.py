#!/usr/bin/env python3
"""Coverage-guided fuzzing of the programme checker with atheris (`make fuzz`).

Runs `check_programme_text` (tests/programme_fuzz.py: the same promises the CI test checks) on
inputs atheris derives from the shipped programmes. Usage:
    scripts/fuzz_programmes.py [-runs=N] [-max_total_time=SECONDS] [atheris/libFuzzer options]
Without atheris installed it says so and exits 0 (the hypothesis run in `make fuzz` still ran).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))


def main() -> int:
    try:
        import atheris
    except ImportError:
        print("atheris is not installed (pip install atheris); skipping the coverage-guided run")
        return 0
    with atheris.instrument_imports():
        from programme_fuzz import check_programme_text, seed_texts

        import deskbreak.core.programme_file
        import deskbreak.core.units  # noqa: F401

    corpus = Path(tempfile.mkdtemp(prefix="deskbreak-fuzz-corpus-"))
    for number, text in enumerate(seed_texts()):
        (corpus / f"seed-{number}.yaml").write_text(text, encoding="utf-8")

    def one_input(data: bytes) -> None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return  # the reader refuses non-UTF-8 before the checker sees it
        check_programme_text(text)

    atheris.Setup([sys.argv[0], *sys.argv[1:], str(corpus)], one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
