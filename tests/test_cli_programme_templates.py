"""`deskbreak programme new|examples|show --weeks` and names of shipped programmes, run as a
physio runs them: in a subprocess."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conftest import REPO, run_cli

TEMPLATES = sorted(p.stem for p in (REPO / "config" / "templates").glob("*.yaml"))


def test_new_lists_the_template_names_in_its_help() -> None:
    result = run_cli("programme", "new", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert {"cervicogenic-headache", "tension-type-headache", "desk-neck-pain",
            "movement-only"} <= set(TEMPLATES)
    for name in TEMPLATES:
        assert name in text.replace("- ", "-")


def test_new_writes_a_commented_template_that_checks_clean_with_dates_moved(
        tmp_path: Path) -> None:
    out = tmp_path / "anna.yaml"
    result = run_cli("programme", "new", "--template", "cervicogenic-headache", "--out",
                     str(out), "--starts", "2027-02-01")
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Template: headache that comes from the neck")
    data = yaml.safe_load(text)
    # The template starts 2026-12-07 with the review four weeks on; both move together.
    assert str(data["starts"]) == "2027-02-01"
    assert str(data["review"]) == "2027-03-01"
    check = run_cli("programme", "check", str(out))
    assert check.returncode == 0, check.stdout
    assert "2 phases" in check.stdout


def test_new_never_overwrites_a_file_without_force(tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    out.write_text("my own work\n", encoding="utf-8")
    result = run_cli("programme", "new", "--template", "movement-only", "--out", str(out))
    assert result.returncode == 1
    assert "exists" in result.stderr and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "my own work\n"
    forced = run_cli("programme", "new", "--template", "movement-only", "--out", str(out),
                     "--force")
    assert forced.returncode == 0
    assert "Break up your sitting" in out.read_text(encoding="utf-8")


def test_an_unknown_template_names_the_choices() -> None:
    result = run_cli("programme", "new", "--template", "whiplash", "--out", "x.yaml")
    assert result.returncode == 2
    assert "cervicogenic-headache" in result.stderr


def test_examples_lists_every_shipped_example_and_template_by_name() -> None:
    result = run_cli("programme", "examples")
    assert result.returncode == 0
    names = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")}
    shipped = {p.stem for p in (REPO / "config" / "programmes").glob("*.yaml")}
    assert shipped | set(TEMPLATES) == names
    assert "desk-worker-general" in result.stdout
    assert "Desk worker: neck and shoulder care" in result.stdout


def test_every_programme_subcommand_takes_an_example_name(tmp_path: Path) -> None:
    check = run_cli("programme", "check", "desk-worker-general", "cervicogenic-headache")
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": ok: ") == 2
    show = run_cli("programme", "show", "desk-worker-general", "--on", "2026-12-01")
    assert show.returncode == 0
    assert show.stdout.startswith("Desk worker: neck and shoulder care\n")
    install = run_cli("programme", "install", "movement-only")
    assert install.returncode == 0, install.stderr
    assert "installed 'Break up your sitting'" in install.stdout


def test_a_misspelt_example_name_suggests_the_right_one() -> None:
    result = run_cli("programme", "show", "desk-worker-genral")
    assert result.returncode == 1
    assert "did you mean 'desk-worker-general'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_show_weeks_shows_each_phase_as_the_patient_gets_it() -> None:
    result = run_cli("programme", "show", "cervicogenic-headache", "--weeks")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    phase1 = out.index("Phase 1: settle: Monday 7 December 2026 to Sunday 20 December 2026 "
                       "(weeks 1-2)")
    phase2 = out.index("Phase 2: strengthen: from Monday 21 December 2026 (week 3 on)")
    assert phase1 < phase2
    first, second = out[phase1:phase2], out[phase2:]
    assert "every 25 min of sitting, takes 1 min 15 s" in first
    assert "every 30 min of sitting, takes 1 min 30 s" in second
    assert "[cervical-isometrics]" not in first
    assert "[cervical-isometrics]: 3 reps, hold 5 s" in second
    assert "[chin-nod]: 5 reps, hold 10 s" in second
    assert "Review appointment: Monday 4 January 2027" in out


def test_show_says_how_often_each_exercise_comes_up_and_the_total_time() -> None:
    result = run_cli("programme", "show", "cervicogenic-headache", "--on", "2026-12-21")
    assert result.returncode == 0
    out = result.stdout
    assert "A typical working day (08:30-17:30 at the desk, every break done when it comes):" in out
    assert re.search(r"^  prompts: Neck break \d+x, Get up and move \d+x$", out, re.MULTILINE)
    assert re.search(r"^  Neck press without moving +\d+x  about ", out, re.MULTILINE)
    total = re.search(r"^  total exercise time: about (\d+) min$", out, re.MULTILINE)
    assert total and 10 <= int(total[1]) <= 60
