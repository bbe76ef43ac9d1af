"""The physio's HTML report: self-contained, complete, and really rendered by headless Chromium."""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli
from test_report_sample_log import sample_log

from deskbreak.store import open_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PROGRAMME = """\
deskbreak: 1
title: Neck phase 1
patient: Alex Example
prescribed_by: Sam Physio, MCSP
breaks: []
"""


@pytest.fixture
def html_report(deskbreak_home: Path, tmp_path: Path) -> Path:
    store = open_store()
    store.append_many(sample_log())
    store.close()
    config = deskbreak_home / "config"
    config.mkdir()
    (config / "programme.yaml").write_text(PROGRAMME)
    out = tmp_path / "report.html"
    result = run_cli("export", "--format", "html", "--out", str(out), "--from", "2026-03-02",
                     "--to", "2026-03-03")
    assert result.returncode == 0, result.stderr
    return out


def test_the_html_report_is_one_private_self_contained_file(html_report: Path) -> None:
    assert stat.S_IMODE(html_report.stat().st_mode) == 0o600
    page = html_report.read_text()
    assert page.startswith("<!DOCTYPE html>")
    # Nothing to fetch: no scripts, stylesheets, images or frames from anywhere.
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.IGNORECASE)
    assert not re.search(r"""\b(src|href)\s*=\s*["'](?!#)""", page, re.IGNORECASE)
    assert "url(" not in page.replace("url(#", "")
    assert page.count("<svg") == 3


def test_the_html_report_names_patient_programme_period_and_flags(html_report: Path) -> None:
    page = html_report.read_text()
    text = re.sub(r"<[^>]+>", " ", page.split("<figure>")[0])
    assert "Alex Example" in text and "Sam Physio, MCSP" in text
    assert "Neck phase 1 [5f1d0c9a]" in text
    assert "Mon 02 Mar 2026 to Tue 03 Mar 2026 (2 days)" in text
    assert "50%" in text and "4 of 8 prompts done" in text
    flags = page.split("<h2>Flagged exercises</h2>")[1].split("<h2>")[0]
    # Flagged after two clear rises (chin-tuck had one): changed on purpose.
    assert "neck-rotation" in flags and "shoulder-roll" not in flags
    assert "<td class=\"flag\">chin-tuck</td>" not in flags
    per_exercise = page.split("<h2>Per exercise</h2>")[1].split("<h2>")[0]
    assert "<td>shoulder-roll</td><td>3</td><td>1</td><td>33%</td>" in per_exercise


def test_the_patient_option_overrides_the_programme(deskbreak_home: Path, tmp_path: Path) -> None:
    store = open_store()
    store.append_many(sample_log())
    store.close()
    out = tmp_path / "r.html"
    result = run_cli("export", "--format", "html", "--out", str(out), "--patient", "P. <Test>",
                     "--today-is", "2026-03-03")
    assert result.returncode == 0, result.stderr
    assert "P. &lt;Test&gt;" in out.read_text()  # escaped, not markup


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_headless_chromium_renders_the_report_with_its_charts(html_report: Path,
                                                              tmp_path: Path) -> None:
    from PIL import Image

    shot = tmp_path / "report.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", f"--screenshot={shot}",
         "--window-size=1200,2000", html_report.as_uri()],
        capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 10_000
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 2000)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # not blank: text, cards and charts
    present = {colour for _, colour in colours}
    # The charts were drawn: the "done" green of the adherence bars and the "missed" red.
    assert (0x2E, 0x7D, 0x32) in present and (0xC6, 0x28, 0x28) in present
    # The header band is there at the top.
    assert image.getpixel((60, 60)) == (0xE8, 0xEA, 0xF6)


def test_the_patient_comes_from_the_programme_file_the_log_names(deskbreak_home: Path,
                                                                 tmp_path: Path) -> None:
    from dataclasses import replace

    from deskbreak.core.events import ProgrammeLoaded

    programme = tmp_path / "neck.yaml"
    programme.write_text(PROGRAMME.replace("Alex Example", "Robin Logged"))
    log = [replace(e, path=str(programme)) if isinstance(e, ProgrammeLoaded) else e
           for e in sample_log()]
    store = open_store()
    store.append_many(log)
    store.close()
    out = tmp_path / "r.html"
    result = run_cli("export", "--format", "html", "--out", str(out), "--today-is", "2026-03-03")
    assert result.returncode == 0, result.stderr
    assert "Robin Logged" in out.read_text()
