"""`deskbreak programme handout`: the patient's printable sheet, as HTML and as PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from PIL import Image

from deskbreak.core.safety import BUILT_IN_STOP_RULES, SAFETY_CARD
from deskbreak.figures import figure, png_bytes
from deskbreak.figures.compose import ARROW
from deskbreak.library import load_library, load_programme
from deskbreak.reporting.handout import find_browser, handout_html

TEMPLATE = REPO / "config" / "templates" / "cervicogenic-headache.yaml"
DOCS = REPO / "docs"
HAS_PDF_TOOLS = find_browser() is not None and shutil.which("pdfinfo") and shutil.which(
    "pdftoppm") and shutil.which("pdftotext")
ARROW_RGB = tuple(int(ARROW[i:i + 2], 16) for i in (1, 3, 5))


def _every_library_exercise(folder: Path) -> Path:
    """A programme whose breaks use every library exercise (each in a break it suits)."""
    library = load_library()
    micro = [i for i, e in library.items() if e.suits[0].value == "micro"]
    movement = [i for i in library if i not in micro]
    path = folder / "everything.yaml"
    path.write_text(f"""\
deskbreak: 1
title: Every exercise
patient: Test patient
prescribed_by: Test physio
starts: 2026-12-07
review: 2027-01-11
notes: Gently, within comfort.
breaks:
  - {{name: Desk, kind: micro, every: 30m, duration: 90s, exercises: [{', '.join(micro)}]}}
  - {{name: Move, kind: movement, every: 60m, duration: 5m, exercises: [{', '.join(movement)}]}}
""", encoding="utf-8")
    return path


class _Pages(HTMLParser):
    """Collects, per phase page, the exercise ids, and which of them carry an <svg> picture."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[list[str]] = []
        #: Per page, the exercises shown in full (steps and cautions), not as a one-line entry.
        self.full: list[list[str]] = []
        self.pictured: list[str] = []
        self._exercise: str | None = None

    @classmethod
    def of(cls, page: str) -> _Pages:
        parsed = cls()
        parsed.feed(page)
        return parsed

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section" and found.get("data-phase"):
            self.pages.append([])
            self.full.append([])
        if tag == "article" and found.get("data-exercise"):
            self._exercise = found["data-exercise"]
            self.pages[-1].append(self._exercise or "")
            if "brief" not in (found.get("class") or ""):
                self.full[-1].append(self._exercise or "")
        if tag in ("svg", "img") and self._exercise:
            self.pictured.append(self._exercise)
            self._exercise = None


def test_the_handout_has_a_page_per_phase_with_the_exercises_of_that_phase() -> None:
    programme = load_programme(TEMPLATE)
    page = handout_html(programme, today=date(2026, 12, 22))
    parsed = _Pages.of(page)
    assert len(parsed.pages) == 2
    first, second = parsed.pages
    # Phase 2 adds the isometrics to the neck break; every exercise has its picture.
    assert "cervical-isometrics" in second and "cervical-isometrics" not in first
    assert sorted(parsed.pictured) == sorted(first + second)
    # Phase 1 in full; phase 2 in full only what is new, the rest one line each, the changed
    # dose beside the old one.
    assert parsed.full == [first, ["cervical-isometrics"]]
    assert set(second) == set(first) | {"cervical-isometrics"}
    assert "now 5 reps, hold 10 s <span class=\"was\">(was 5 reps, hold 5 s)</span>" in page
    assert "(steps and cautions as in Phase 1: settle)" in page
    # The dates, the phase in force, and each phase's own doses and schedule.
    assert "Phase 1: settle (weeks 1-2): Monday 7 December 2026 to Sunday 20 December 2026" \
        in page
    assert "Phase 2: strengthen (week 3 on): from Monday 21 December 2026" in page
    assert page.count("In force now") == 1
    assert page.index("In force now") > page.index("Phase 2: strengthen")
    assert "5 reps, hold 5 s" in page and "5 reps, hold 10 s" in page  # chin nod, then and now
    assert "after every 25 min of sitting, a 1 min 15 s break at your desk" in page
    assert "after every 30 min of sitting, a 1 min 30 s break at your desk" in page
    assert "Monday to Friday, between 08:30 and 17:30" in page
    # Built-in stop rules on every phase page; the card, notes and review at the end.
    for rule in BUILT_IN_STOP_RULES:
        assert page.count(rule) == 2
    for section in SAFETY_CARD.sections:
        assert section.heading in page
    assert "These exercises should feel easy." in page
    # The notes as paragraphs, not with the YAML file's line breaks.
    assert '<p class="notes">These exercises should feel easy. Move slowly and stay in a ' \
        "comfortable range: a mild stretch is fine, sharp pain is not." in page
    assert page.count('<p class="notes">') == 2
    assert "Your review: Monday 4 January 2027." in page
    assert "@page { size: A4;" in page


def test_a_physios_own_picture_is_embedded_in_the_handout(tmp_path: Path) -> None:
    (tmp_path / "towel.png").write_bytes(png_bytes(figure("chin-tuck"), 100))
    path = tmp_path / "own.yaml"
    path.write_text("""\
deskbreak: 1
title: Own
breaks: [{name: neck, kind: micro, every: 30m, duration: 60s, exercises: [towel]}]
exercises:
  towel: {title: Towel tuck, reps: 3, hold: 5s, image: towel.png, steps: [Tuck.]}
""", encoding="utf-8")
    page = handout_html(load_programme(path), today=date(2026, 12, 1))
    assert re.search(r'<img src="data:image/png;base64,iVBORw0KGgo[^"]+" alt="Towel tuck">',
                     page)


def test_without_where_to_write_or_without_a_browser_it_says_so(tmp_path: Path) -> None:
    result = run_cli("programme", "handout", str(TEMPLATE))
    assert result.returncode != 0 and "--out handout.html" in result.stderr
    result = run_cli("programme", "handout", str(TEMPLATE), "--out", str(tmp_path / "h.pdf"),
                     env={"DESKBREAK_CHROMIUM": str(tmp_path / "no-such-browser")})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "a PDF needs Chromium or Google Chrome" in result.stderr
    assert not (tmp_path / "h.pdf").exists()


def _pdf_pages(pdf: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore
    size = re.search(r"^Page size:\s+(.*)$", info.stdout, re.M).group(1)  # type: ignore
    return pages, size


@pytest.mark.slow
@pytest.mark.skipif(not HAS_PDF_TOOLS, reason="needs Chromium and poppler-utils")
def test_the_pdf_shows_every_library_exercise_with_its_picture_on_a4(tmp_path: Path) -> None:
    programme = _every_library_exercise(tmp_path)
    html_out, pdf_out = tmp_path / "handout.html", tmp_path / "handout.pdf"
    result = run_cli("programme", "handout", str(programme), "--out", str(html_out),
                     "--pdf", str(pdf_out), timeout=180)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"wrote {html_out}", f"wrote {pdf_out}"]
    pages, size = _pdf_pages(pdf_out)
    assert "(A4)" in size and pages >= 5
    # In reading order (two exercises to a row), with lines joined: a dose may wrap.
    text = " ".join(subprocess.run(["pdftotext", str(pdf_out), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    for exercise in load_library().values():
        assert exercise.title in text, f"{exercise.title} is missing from the PDF"
        assert exercise.dose_text() in text
    assert "Call an ambulance now" in text and "Your review: Monday 11 January 2027" in text
    # Each exercise page is drawn with figures, recognisable by the arrows' colour; the
    # closing pages (notes, review, safety card) come after them and have none.
    closing = next(n for n in range(1, pages + 1) if "Notes, safety and your review" in
                   subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf_out), "-"],
                                  capture_output=True, text=True, check=True).stdout)
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(pdf_out), str(tmp_path / "page")],
                   check=True)
    shots = sorted(tmp_path.glob("page-*.png"))
    assert len(shots) == pages
    arrows = []
    for shot in shots:
        colours = {c for _, c in Image.open(shot).convert("RGB").getcolors(1 << 20)}
        arrows.append(any(max(abs(a - b) for a, b in zip(c, ARROW_RGB)) < 24 for c in colours))
    assert arrows == [True] * (closing - 1) + [False] * (pages - closing + 1)
    shutil.copy(shots[0], DOCS / "handout-page-1.png")


@pytest.mark.slow
@pytest.mark.skipif(not HAS_PDF_TOOLS, reason="needs Chromium and poppler-utils")
def test_a_pdf_for_us_letter_paper_from_a_shipped_template_name(tmp_path: Path) -> None:
    pdf_out = tmp_path / "letter.pdf"
    result = run_cli("programme", "handout", "cervicogenic-headache", "--out", str(pdf_out),
                     "--paper", "letter", timeout=180)
    assert result.returncode == 0, result.stderr
    pages, size = _pdf_pages(pdf_out)
    assert "(letter)" in size and pages >= 3


@pytest.mark.slow
@pytest.mark.skipif(not HAS_PDF_TOOLS, reason="needs Chromium and poppler-utils")
def test_a_later_phase_fits_one_page_and_the_whole_template_handout_is_five_a4_pages(
        tmp_path: Path) -> None:
    """Phase 1's eight exercises in full, two to a row; phase 2 on one page; then one page of
    notes, review and the safety card (it was ten pages with one exercise to a row and every
    phase in full)."""
    pdf_out = tmp_path / "handout.pdf"
    result = run_cli("programme", "handout", str(TEMPLATE), "--out", str(pdf_out), timeout=180)
    assert result.returncode == 0, result.stderr
    pages, size = _pdf_pages(pdf_out)
    assert "(A4)" in size
    texts = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf_out), "-"],
                            capture_output=True, text=True, check=True).stdout
             for n in range(1, pages + 1)]
    starts = [n for n, text in enumerate(texts) if "When your breaks come" in text]
    closing = next(n for n, text in enumerate(texts) if "Notes, safety and your review" in text)
    assert len(starts) == 2 and starts[0] == 0
    assert closing == starts[1] + 1 == pages - 1  # phase 2 on one page, the closing on one
    assert pages <= 5
    assert "Call an ambulance now" in texts[closing] and "deskbreak from the programme" in \
        texts[closing]
    subprocess.run(["pdftoppm", "-r", "60", "-f", str(starts[1] + 1), "-l", str(starts[1] + 1),
                    "-png", str(pdf_out), str(tmp_path / "phase2")], check=True)
    shutil.copy(next(tmp_path.glob("phase2*.png")), DOCS / "handout-phase-2.png")


def test_a_phase_that_only_changes_doses_and_drops_one_lists_them_and_names_the_dropped(
        tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text("""\
deskbreak: 1
title: Two phases
starts: 2026-12-07
breaks:
  - {name: Neck, kind: micro, every: 30m, duration: 90s,
     exercises: [chin-tuck, eye-break, shoulder-rolls]}
phases:
  - {name: Early, from_week: 1, until_week: 2}
  - name: Later
    from_week: 3
    exercises: {chin-tuck: {reps: 10}}
    breaks: {Neck: {remove: [eye-break]}}
""", encoding="utf-8")
    page = handout_html(load_programme(path), today=date(2026, 12, 7))
    parsed = _Pages.of(page)
    assert parsed.full == [["chin-tuck", "eye-break", "shoulder-rolls"], []]
    assert parsed.pages[1] == ["chin-tuck", "shoulder-rolls"]
    assert "New in this phase" not in page
    assert '<div class="kept across">' in page  # no new exercise to sit beside
    assert "(steps and cautions as in Early)" in page
    assert "<b>No longer in your breaks:</b> Eye break.</p>" in page
    assert re.search(r"now 10 reps[^<]*<span class=\"was\">\(was \d+ reps", page)


def test_a_third_phase_points_to_the_page_that_shows_the_steps_and_compares_with_phase_2(
        tmp_path: Path) -> None:
    path = tmp_path / "three.yaml"
    path.write_text("""\
deskbreak: 1
title: Three phases
starts: 2026-12-07
breaks:
  - {name: Neck, kind: micro, every: 30m, duration: 90s, exercises: [chin-tuck, eye-break]}
phases:
  - {name: One, from_week: 1, until_week: 2}
  - name: Two
    from_week: 3
    until_week: 4
    exercises: {chin-tuck: {reps: 10}}
    breaks: {Neck: {add: [cervical-isometrics]}}
  - name: Three
    from_week: 5
    exercises: {chin-tuck: {reps: 12}}
    breaks: {Neck: {add: [cervical-isometrics]}}
""", encoding="utf-8")
    page = handout_html(load_programme(path), today=date(2026, 12, 7))
    parsed = _Pages.of(page)
    assert parsed.full == [["chin-tuck", "eye-break"], ["cervical-isometrics"], []]
    third = page[page.index('data-phase="3"'):]
    # The chin tuck's steps are on phase One's page, the isometrics' on Two's; the old dose is
    # phase Two's.
    assert "(steps and cautions as in One and Two)" in third
    assert re.search(r"now 12 reps[^<]*<span class=\"was\">\(was 10 reps", third)
