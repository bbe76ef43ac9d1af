"""Benchmark the clinic view on 500 patients' year-long exports.

Generates one year of a patient's log (250 working days, a neck prompt about every 12 minutes of
sitting, check-ins, bouts), installs the two-phase cervicogenic headache template, and writes
the year with the real `deskbreak export` as JSON (every event) and as the HTML report. Then 500
patient files are made from them (400 JSON exports, 100 HTML reports, each with its own name and
numbers in its clinic record, the year of events unchanged) and `deskbreak clinic` is timed on
all 500, as a physio runs it (a new interpreter each time, wall time). Target: under 2 s.

    python benchmarks/bench_clinic.py [--runs 5] [--write-docs]

With --write-docs the results replace the "## Clinic view" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_reports

PATIENTS = 500
HTML_EVERY = 5  # one patient in five sends the HTML report, the others the JSON export
TARGET_SECONDS = 2.0
LAST_DAY = date(2026, 11, 20)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "deskbreak", *args], env=env, cwd=REPO,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"deskbreak {' '.join(args)} failed: {result.stderr}")
    return result


def year_of_exports(work: Path, env: dict[str, str]) -> tuple[Path, Path, int]:
    """One patient's year as a JSON export and an HTML report; returns them and the events."""
    home = Path(env["DESKBREAK_HOME"])
    bench_reports.MICRO_EVERY = timedelta(minutes=12)  # a real programme's density
    count = bench_reports.generate(home, LAST_DAY)
    template = (REPO / "config" / "templates" / "cervicogenic-headache.yaml").read_text()
    starts = LAST_DAY - timedelta(days=330)
    template = re.sub(r"^starts: \S+", f"starts: {starts}", template, flags=re.MULTILINE)
    template = re.sub(r"^review: \S+", f"review: {LAST_DAY + timedelta(days=10)}", template,
                      flags=re.MULTILINE)
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "programme.yaml").write_text(template, encoding="utf-8")
    exported_json, exported_html = work / "year.json", work / "year.html"
    period = ["--days", "365", "--today-is", LAST_DAY.isoformat()]
    run(["export", "--format", "json", "--out", str(exported_json), *period], env)
    run(["export", "--format", "html", "--out", str(exported_html), *period], env)
    return exported_json, exported_html, count


def make_patients(folder: Path, exported_json: Path, exported_html: Path) -> int:
    """PATIENTS files, each with its own clinic record; returns their total size in bytes."""
    rng = random.Random(11)
    sources = {".json": exported_json.read_bytes(), ".html": exported_html.read_bytes()}
    total = 0
    for index in range(PATIENTS):
        suffix = ".html" if index % HTML_EVERY == 0 else ".json"
        data = sources[suffix]
        name = f"Patient {index:03d}"
        adherence = round(rng.uniform(0.2, 0.95), 4)
        # The record's first fields differ per patient; the year of events stays as exported.
        data = re.sub(rb'"patient": ?"[^"]*"', f'"patient": "{name}"'.encode(), data, count=1)
        data = re.sub(rb'"adherence": ?[0-9.]+|"adherence": ?null',
                      f'"adherence": {adherence}'.encode(), data, count=1)
        data = re.sub(rb'"safety_events": ?\d+', f'"safety_events": {int(rng.random() < 0.05)}'
                      .encode(), data, count=1)
        path = folder / f"patient-{index:03d}{suffix}"
        path.write_bytes(data)
        total += len(data)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write-docs", action="store_true")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="deskbreak-clinic-bench-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, DESKBREAK_HOME=str(work / "home"), TZ="Europe/London")
        started = time.perf_counter()
        exported_json, exported_html, count = year_of_exports(work, env)
        inbox = work / "inbox"
        inbox.mkdir()
        size = make_patients(inbox, exported_json, exported_html)
        prepared = time.perf_counter() - started
        out = work / "clinic.html"
        times: list[float] = []
        for _ in range(options.runs):
            begun = time.perf_counter()
            result = run(["clinic", str(inbox), "--out", str(out), "--today-is",
                          LAST_DAY.isoformat()], env)
            times.append(time.perf_counter() - begun)
        if f"{PATIENTS} patients" not in result.stdout:
            raise SystemExit(f"expected {PATIENTS} patients: {result.stdout}{result.stderr}")
        rows = out.read_text(encoding="utf-8").count('<tr class="')
        one_json = exported_json.stat().st_size
        one_html = exported_html.stat().st_size
        document = json.loads(exported_json.read_text(encoding="utf-8"))
        events = len(document["events"])
        page = out.stat().st_size
        shutil.rmtree(inbox)

    median = statistics.median(times)
    lines = [
        "## Clinic view",
        "",
        "`python benchmarks/bench_clinic.py --write-docs` (this section is written by it).",
        f"One patient's year: 250 working days, {count:,} events in the log, exported with the "
        f"real `deskbreak export` as JSON ({events:,} events, {one_json / 1e6:.1f} MB) and as the "
        f"HTML report ({one_html / 1e3:.0f} kB). {PATIENTS} patients made from them "
        f"({PATIENTS - PATIENTS // HTML_EVERY} JSON exports and {PATIENTS // HTML_EVERY} HTML "
        f"reports, {size / 1e9:.2f} GB in all), each with its own name and numbers.",
        f"`deskbreak clinic FOLDER --out clinic.html` is a fresh process each time, wall time "
        f"including interpreter start, {options.runs} runs; the page has {rows} rows "
        f"({page / 1e3:.0f} kB).",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; measured {date.today()}.",
        "How: every export and report carries a small clinic record at its start (the JSON "
        "export right after its format and version, the HTML report in an inert data block in "
        "its head), so the clinic reads at most the first 64 KB of each file and never a year "
        "of events.",
        "",
        "| measurement | median | min | max | target | |",
        "|---|---|---|---|---|---|",
        f"| `deskbreak clinic` on {PATIENTS} year-long exports | {median:.3f} s | "
        f"{min(times):.3f} s | {max(times):.3f} s | < {TARGET_SECONDS:.0f} s | "
        f"{'met' if median < TARGET_SECONDS else 'NOT met'} |",
        "",
        f"(Preparing the files took {prepared:.0f} s and is not counted.)",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if options.write_docs:
        docs = REPO / "docs" / "benchmarks.md"
        current = docs.read_text(encoding="utf-8")
        pattern = re.compile(r"^## Clinic view\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
        current = (pattern.sub(lambda _: text + "\n", current) if pattern.search(current)
                   else current.rstrip("\n") + "\n\n" + text)
        docs.write_text(current.rstrip("\n") + "\n", encoding="utf-8")
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
