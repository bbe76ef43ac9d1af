"""Shared by the benchmark scripts: write one section of docs/benchmarks.md, keep the others."""

from __future__ import annotations

import platform
import re
from datetime import datetime
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Measured by the scripts in `benchmarks/` (not by timed tests, which would flake). Each script
rewrites only its own section; run them all with `make bench`. Numbers are from the machine
named in each section (2 cores, CPython 3.11, Debian 12).
"""


def machine() -> str:
    return f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, " \
           f"{datetime.now():%Y-%m-%d}"


def write_section(name: str, body: str) -> None:
    """Replace (or add) the section `## name` of docs/benchmarks.md with `body`."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    section = f"## {name}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip() + "\n\n" + section
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text.rstrip() + "\n", encoding="utf-8")
