"""The patient handout: printable HTML, a part per phase each starting on a new page, and a PDF
of it through Chromium.

Each phase page has the break schedule in plain words and every exercise of that phase with its
picture and dose. The first phase shows each exercise in full (picture, dose, steps and its own
cautions, under the built-in stop rules said once per page), two to a row, never broken across
pages (eight take two or three A4 pages). A later phase shows in full only what is new in it,
so it usually fits one page: an exercise it keeps is one line with its picture and dose (the
new dose beside the old one when it changed), pointing back to the phase whose page shows its
steps, and dropped exercises are named. The last page has the physio's notes, the review date
and the safety card. The page is one self-contained file (figures inline as SVG, a physio's
own pictures as data URIs), styled for A4 or US Letter.
"""

from __future__ import annotations

import base64
import html
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from deskbreak.core.programme import BreakKind, Exercise, Phase, Programme, reflow
from deskbreak.core.safety import BUILT_IN_STOP_RULES, SAFETY_CARD, SafetyCard
from deskbreak.core.units import format_duration
from deskbreak.errors import DeskbreakError

#: Paper sizes the handout is laid out for: the CSS @page size and the printable width.
PAPERS = {"a4": "A4", "letter": "letter"}
#: Browsers that can print a page to PDF headless, tried in order (DESKBREAK_CHROMIUM first).
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: How long Chromium may take to print the handout before we give up.
PRINT_TIMEOUT_SECONDS = 120
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Picture heights: a full exercise card, and the one-line entry of an exercise kept from an
#: earlier phase.
FIGURE_HEIGHT_MM = 25
BRIEF_HEIGHT_MM = 11


@dataclass(frozen=True)
class Stage:
    """The programme as the patient gets it over a stretch of days: one handout page."""

    first: date | None
    last: date | None
    phase: Phase | None
    view: Programme


def stages(programme: Programme, today: date) -> list[Stage]:
    """Each phase (and any stretch without one) in date order, each with its view."""
    if not programme.phases:
        return [Stage(programme.starts, None, None, programme)]
    first = programme.starts or min(p.first_day(programme.starts) for p in programme.phases)
    ends = [p.last_day(programme.starts) or p.first_day(programme.starts)
            for p in programme.phases]
    last = max([*ends, *(p.first_day(programme.starts) for p in programme.phases)])
    # One day past the last phase's end, so a return to the programme as written shows too.
    changes = programme.phase_changes(first, last + timedelta(days=1))
    out: list[Stage] = []
    for index, (start, phase) in enumerate(changes):
        following = changes[index + 1][0] if index + 1 < len(changes) else None
        if following is not None:
            end: date | None = following - timedelta(days=1)
        else:
            end = phase.last_day(programme.starts) if phase is not None else None
        out.append(Stage(start, end, phase, programme.on(start)))
    return out


def handout_html(programme: Programme, *, today: date, paper: str = "a4",
                 card: SafetyCard = SAFETY_CARD) -> str:
    """The whole handout as one HTML document."""
    if paper not in PAPERS:
        raise DeskbreakError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    parts = [_head(programme, paper)]
    all_stages = stages(programme, today)
    for number, stage in enumerate(all_stages, start=1):
        earlier = all_stages[:number - 1]
        parts.append(_stage_page(programme, stage, number, len(all_stages), today, earlier))
    parts.append(_closing_page(programme, card))
    parts.append("</body></html>\n")
    return "".join(parts)


def _e(text: object) -> str:
    return html.escape(str(text))


def _day(day: date) -> str:
    return f"{DAY_NAMES[day.weekday()]} {day.day} {day:%B %Y}"


def _head(programme: Programme, paper: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(programme.title)}: your exercise handout</title>
<style>
@page {{ size: {PAPERS[paper]}; margin: 11mm 13mm 11mm 13mm; }}
* {{ box-sizing: border-box; }}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ font: 9pt/1.3 "DejaVu Sans", Verdana, Arial, sans-serif; color: #1f2a37;
        margin: 0 auto; max-width: 182mm; padding: 6mm 0; }}
@media print {{ body {{ padding: 0; max-width: none; }} }}
h1 {{ font-size: 17pt; margin: 0 0 1mm; }}
h2 {{ font-size: 13.5pt; margin: 4mm 0 1.5mm; }}
h3 {{ font-size: 11pt; margin: 0 0 0.5mm; }}
p {{ margin: 0 0 2mm; }}
.page {{ break-after: page; }}
.page:last-of-type {{ break-after: auto; }}
.masthead {{ border-bottom: 2px solid #1f2a37; padding-bottom: 2mm; margin-bottom: 3mm; }}
.who {{ color: #475569; font-size: 9.5pt; }}
.badge {{ display: inline-block; background: #1f2a37; color: #fff; border-radius: 3px;
          padding: 0 2mm; font-size: 9pt; vertical-align: middle; }}
.schedule {{ background: #f1f5f9; border-radius: 2mm; padding: 2.5mm 3.5mm; margin-bottom: 3mm; }}
.schedule ul {{ margin: 1mm 0 0; padding-left: 5mm; }}
.stop-rules {{ border: 1.5px solid #9a3412; border-radius: 2mm; padding: 1.5mm 3.5mm;
               margin-bottom: 2mm; break-inside: avoid; }}
.stop-rules h3 {{ color: #9a3412; font-size: 10.5pt; }}
.stop-rules ul {{ columns: 2; column-gap: 6mm; margin: 0; }}
.exercises {{ display: grid; grid-template-columns: 1fr 1fr; column-gap: 6mm; }}
.exercises.brief {{ grid-template-columns: 1fr 1fr 1fr; column-gap: 4mm; }}
.kept.across {{ grid-column: 1 / -1; }}
.kept.beside h3.group {{ margin-top: 0; padding-top: 2mm; }}
.exercise.brief h3 {{ font-size: 9.5pt; }}
.exercise {{ break-inside: avoid; page-break-inside: avoid; display: block;
             border-top: 1px solid #cbd2d9; padding: 2mm 0 1mm; }}
.exercise .picture {{ float: left; margin: 0 3mm 1mm 0; }}
.exercise .picture svg, .exercise .picture img {{ display: block; width: auto;
                                                  height: {FIGURE_HEIGHT_MM}mm;
                                                  max-width: 46mm; object-fit: contain;
                                                  border: 1px solid #cbd2d9; }}
.exercise ol, .exercise .cautions, .exercise .side-note {{ clear: left; }}
.exercise.brief {{ display: flex; gap: 3mm; align-items: center; padding: 1mm 0 0.5mm; }}
.exercise.brief .picture {{ float: none; margin: 0; flex: 0 0 18mm; }}
.exercise.brief .picture svg, .exercise.brief .picture img {{ height: {BRIEF_HEIGHT_MM}mm;
                                                              margin: 0 auto; }}
.exercise.brief .dose {{ margin: 0; }}
.was {{ font-weight: normal; color: #475569; }}
h3.group {{ margin: 2.5mm 0 1mm; }}
.dropped {{ margin: 1mm 0 2mm; }}
.dose {{ font-weight: bold; margin-bottom: 1mm; }}
.summary {{ color: #475569; }}
ol, ul {{ margin: 0 0 1.5mm; padding-left: 5mm; }}
li {{ margin: 0 0 0.4mm; }}
.cautions li {{ color: #9a3412; list-style: none; margin-left: -5mm; }}
.cautions li::before {{ content: "\\26A0\\FE0E  "; }}
.side-note {{ color: #475569; font-size: 9pt; }}
.card .sections {{ display: flex; gap: 3mm; align-items: stretch; margin-bottom: 2.5mm; }}
.card section {{ flex: 1 1 0; border: 1.5px solid #9a3412; border-radius: 2mm;
                 padding: 1.5mm 2.5mm; break-inside: avoid; font-size: 8.5pt; }}
.card section ul {{ padding-left: 4mm; }}
.card section.emergency {{ border-width: 2.5px; }}
.card h3 {{ color: #9a3412; }}
.notes {{ white-space: pre-line; }}
.review {{ font-size: 12pt; font-weight: bold; border: 2px solid #1f2a37; border-radius: 2mm;
           padding: 2mm 3.5mm; margin: 3mm 0; }}
footer {{ color: #475569; font-size: 9pt; margin-top: 3mm; }}
</style></head><body>
"""


def _masthead(programme: Programme, heading: str, badge: str = "") -> str:
    who = []
    if programme.patient:
        who.append(f"For {_e(programme.patient)}")
    if programme.prescribed_by:
        who.append(f"from {_e(programme.prescribed_by)}")
    if programme.review:
        who.append(f"review {_e(_day(programme.review))}")
    badge_html = f' <span class="badge">{_e(badge)}</span>' if badge else ""
    return (f'<header class="masthead"><h1>{_e(programme.title)}</h1>'
            f'<div class="who">{" · ".join(who)}</div>'
            f"<h2>{_e(heading)}{badge_html}</h2></header>")


def _stage_name(stage: Stage, number: int, total: int) -> str:
    if stage.phase is None:
        return "Your exercises" if total == 1 else "Your exercises between phases"
    return stage.phase.name or f"Phase {number}"


def _stage_heading(programme: Programme, stage: Stage, number: int, total: int) -> str:
    name = _stage_name(stage, number, total)
    if stage.phase is not None and stage.phase.from_week is not None:
        name += f" ({stage.phase.when()})"
    # Week numbers become dates only when the programme says when week 1 starts.
    dated = stage.first is not None and (programme.starts is not None or (
        stage.phase is not None and stage.phase.from_date is not None))
    if dated and stage.first is not None and stage.last is not None:
        return f"{name}: {_day(stage.first)} to {_day(stage.last)}"
    if dated and stage.first is not None:
        return f"{name}: from {_day(stage.first)}"
    return name


def _in_force(stage: Stage, today: date) -> bool:
    return ((stage.first is None or stage.first <= today)
            and (stage.last is None or today <= stage.last))


def _stage_page(programme: Programme, stage: Stage, number: int, total: int,
                today: date, earlier: Sequence[Stage] = ()) -> str:
    badge = "In force now" if total > 1 and _in_force(stage, today) else ""
    out = [f'<section class="page" data-phase="{number}">',
           _masthead(programme, _stage_heading(programme, stage, number, total), badge)]
    out.append(_schedule(stage.view))
    # The built-in stop rules hold for every exercise: said once per page, in full, rather
    # than repeated under each exercise (which keeps only its own cautions).
    rules = "".join(f"<li>{_e(rule)}</li>" for rule in BUILT_IN_STOP_RULES)
    out.append(f'<div class="stop-rules"><h3>For every exercise</h3>'
               f'<ul class="cautions">{rules}</ul></div>')
    exercises = _exercises_in_order(stage.view)
    if not earlier:
        out.append('<div class="exercises">')
        out.extend(_exercise_card(exercise) for exercise in exercises)
        out.append("</div>")
    else:
        out.append(_changes(exercises, earlier, total))
    out.append("</section>\n")
    return "".join(out)


def _changes(exercises: Sequence[Exercise], earlier: Sequence[Stage], total: int) -> str:
    """A later phase's exercises: the new ones in full, the kept ones in a line each, pointing
    back to the phase whose page shows their steps in full, and the dropped ones named."""
    # Which page shows each exercise in full (the first phase shows all of its own; a later
    # one, those new in it), and each exercise as it last was, for its old dose.
    in_full: dict[str, tuple[Exercise, str]] = {}
    last: dict[str, Exercise] = {}
    for number, stage in enumerate(earlier, start=1):
        name = _stage_name(stage, number, total)
        for exercise in _exercises_in_order(stage.view):
            if exercise.id not in in_full or _steps_differ(exercise, in_full[exercise.id][0]):
                in_full[exercise.id] = (exercise, name)
            last[exercise.id] = exercise
    before = _exercises_in_order(earlier[-1].view)
    new = [e for e in exercises if e.id not in in_full or _steps_differ(e, in_full[e.id][0])]
    kept = [e for e in exercises if e not in new]
    out = []
    if new:
        out.append('<h3 class="group">New in this phase</h3>')
    out.append('<div class="exercises">')
    out.extend(_exercise_card(exercise) for exercise in new)
    if kept:
        # Beside the last new exercise when it is alone on its row (one list), else across
        # the page (three to a row).
        beside = len(new) % 2 == 1
        sources = list(dict.fromkeys(in_full[e.id][1] for e in kept))
        out.append(f'<div class="kept {"beside" if beside else "across"}">'
                   '<h3 class="group">Carried on from before <span class="was">(steps and '
                   f"cautions as in {_e(' and '.join(sources))})</span></h3>"
                   f'<div class="{"brief-list" if beside else "exercises brief"}">')
        for exercise in kept:
            out.append(_brief_card(exercise, last[exercise.id]))
        out.append("</div></div>")
    out.append("</div>")
    current = {e.id for e in exercises}
    dropped = [e.title for e in before if e.id not in current]
    if dropped:
        out.append(f'<p class="dropped"><b>No longer in your breaks:</b> '
                   f"{_e(', '.join(dropped))}.</p>")
    return "".join(out)


def _steps_differ(now: Exercise, then: Exercise) -> bool:
    return (now.title, now.steps, now.cautions, now.image, now.figure) != (
        then.title, then.steps, then.cautions, then.image, then.figure)


def _brief_card(exercise: Exercise, previous: Exercise) -> str:
    dose, old = exercise.dose_text(), previous.dose_text()
    changed = f' <span class="was">(was {_e(old)})</span>' if dose != old else ""
    label = "now " if dose != old else ""
    return (f'<article class="exercise brief" data-exercise="{_e(exercise.id)}">'
            f'<div class="picture">{picture_html(exercise)}</div><div class="text">'
            f"<h3>{_e(exercise.title)}</h3>"
            f'<div class="dose">{label}{_e(dose)}{changed}</div>'
            "</div></article>")


def _days_text(days: Iterable[int]) -> str:
    chosen = sorted(days)
    if chosen == list(range(chosen[0], chosen[-1] + 1)) and len(chosen) > 2:
        return f"{DAY_NAMES[chosen[0]]} to {DAY_NAMES[chosen[-1]]}"
    names = [DAY_NAMES[d] for d in chosen]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _schedule(view: Programme) -> str:
    hours = view.settings.working_hours
    lines = []
    for brk in view.breaks:
        where = ("at your desk" if brk.kind is BreakKind.MICRO
                 else "standing up and moving about")
        titles = [view.exercises[i].title for i in dict.fromkeys(brk.exercise_ids)
                  if i in view.exercises]
        how_many = (f"{brk.per_prompt} exercise{'s' if brk.per_prompt != 1 else ''} each time"
                    if brk.per_prompt else "as many as fit each time")
        lines.append(
            f"<li><b>{_e(brk.name)}</b>: after every {_e(format_duration(brk.every_seconds))} "
            f"of sitting, a {_e(format_duration(brk.duration_seconds))} break {where}; "
            f"{_e(how_many)}, taken in turn from: {_e(', '.join(titles))}.</li>")
    return (
        '<div class="schedule"><h3>When your breaks come</h3>'
        f"<p>deskbreak reminds you on {_e(_days_text(hours.days))}, between "
        f"{hours.start:%H:%M} and {hours.end:%H:%M}. Getting up or stepping away for "
        f"{_e(format_duration(view.settings.natural_break_seconds))} counts as a break and "
        f"starts the count again.</p><ul>{''.join(lines)}</ul></div>")


def _exercises_in_order(view: Programme) -> list[Exercise]:
    seen: dict[str, Exercise] = {}
    for brk in view.breaks:
        for exercise_id in brk.exercise_ids:
            if exercise_id in view.exercises and exercise_id not in seen:
                seen[exercise_id] = view.exercises[exercise_id]
    return list(seen.values())


def picture_html(exercise: Exercise) -> str:
    """The exercise's picture for a page: its figure as inline SVG, a physio's own image as a
    data URI, or nothing."""
    if exercise.image:
        try:
            data = Path(exercise.image).read_bytes()
        except OSError:
            return ""
        kind = "png" if data.startswith(b"\x89PNG") else "gif"
        encoded = base64.b64encode(data).decode("ascii")
        return (f'<img src="data:image/{kind};base64,{encoded}" '
                f'alt="{_e(exercise.title)}">')
    from deskbreak.figures import FigureError, figure, to_svg

    try:
        return to_svg(figure(exercise.figure or exercise.id))
    except FigureError:
        return ""


def _exercise_card(exercise: Exercise) -> str:
    steps = "".join(f"<li>{_e(s)}</li>" for s in exercise.steps)
    cautions = "".join(f"<li>{_e(c)}</li>" for c in exercise.cautions)
    sides = (f'<p class="side-note">The picture shows one side; do '
             f'{_e(" and ".join(exercise.sides))} as your dose says.</p>'
             if len(exercise.sides) > 1 else "")
    return (f'<article class="exercise" data-exercise="{_e(exercise.id)}">'
            f'<div class="picture">{picture_html(exercise)}</div><div class="text">'
            f"<h3>{_e(exercise.title)}</h3>"
            f'<div class="dose">{_e(exercise.dose_text())}</div>'
            + (f'<p class="summary">{_e(exercise.summary)}</p>' if exercise.summary else "")
            + (f"<ol>{steps}</ol>" if steps else "")
            + sides
            + f'<ul class="cautions">{cautions}</ul></div></article>')


def _closing_page(programme: Programme, card: SafetyCard) -> str:
    out = ['<section class="page closing">',
           _masthead(programme, "Notes, safety and your review")]
    if programme.notes:
        # The file's own line breaks undone (they are where the YAML was wrapped), blank
        # lines kept as paragraphs and list lines on lines of their own.
        paragraphs = "".join(f'<p class="notes">{_e(p)}</p>'
                             for p in reflow(programme.notes).split("\n\n"))
        out.append(f"<h2>Notes from your physiotherapist</h2>{paragraphs}")
    if programme.review:
        out.append(f'<div class="review">Your review: {_e(_day(programme.review))}. Bring this '
                   "sheet and tell your physiotherapist how the exercises went.</div>")
    out.append(f'<div class="card"><h2>{_e(card.title)}</h2><p>{_e(card.intro)}</p>'
               '<div class="sections">')
    for section in card.sections:
        signs = "".join(f"<li>{_e(s)}</li>" for s in section.signs)
        after = f"<p>{_e(section.after)}</p>" if section.after else ""
        out.append(f'<section class="{_e(section.key.replace("_", "-"))} '
                   f'{_e(section.key)}"><h3>{_e(section.heading)}</h3>'
                   f"<p>{_e(section.action)}</p><ul>{signs}</ul>{after}</section>")
    out.append(f"</div><p>{_e(card.not_a_diagnosis)}</p></div>")
    out.append("<footer>Made with deskbreak from the programme file"
               + (f" {_e(Path(programme.source).name)}" if programme.source else "")
               + ".</footer></section>\n")
    return "".join(out)


# --- PDF through a headless browser --------------------------------------------------------------

def find_browser() -> str | None:
    """A Chromium-family browser that can print to PDF: $DESKBREAK_CHROMIUM, else the first of
    BROWSERS on PATH; None when there is none."""
    chosen = os.environ.get("DESKBREAK_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() or shutil.which(chosen) else None
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html_file: Path, pdf_file: Path, browser: str | None = None) -> None:
    """Print `html_file` to `pdf_file` with headless Chromium; DeskbreakError if it cannot."""
    browser = browser or find_browser()
    if browser is None:
        raise DeskbreakError("a PDF needs Chromium or Google Chrome, and neither was found; "
                             "open the HTML handout in a browser and print it to PDF, or set "
                             "DESKBREAK_CHROMIUM to the browser's path")
    with tempfile.TemporaryDirectory(prefix="deskbreak-print-") as profile:
        argv = [browser, "--headless", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-pdf-header-footer", f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf_file}", html_file.resolve().as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            argv.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        pdf_file.unlink(missing_ok=True)
        try:
            result = subprocess.run(argv, capture_output=True, text=True,
                                    timeout=PRINT_TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise DeskbreakError(f"could not print the handout with {browser}: {error}"
                                 ) from None
    if not pdf_file.exists() or pdf_file.stat().st_size == 0:
        tail = (result.stderr or "").strip().splitlines()[-1:]
        raise DeskbreakError(f"{browser} did not write {pdf_file}"
                             + (f": {tail[0]}" if tail else ""))


def write_handout(programme: Programme, *, html_out: Path | None, pdf_out: Path | None,
                  today: date, paper: str = "a4") -> list[Path]:
    """Write the HTML handout and/or its PDF; returns the files written."""
    page = handout_html(programme, today=today, paper=paper)
    written: list[Path] = []
    if html_out is not None:
        _write_text(html_out, page)
        written.append(html_out)
    if pdf_out is not None:
        with tempfile.TemporaryDirectory(prefix="deskbreak-handout-") as folder:
            source = html_out if html_out is not None else Path(folder) / "handout.html"
            if html_out is None:
                _write_text(source, page)
            print_pdf(source, pdf_out)
        written.append(pdf_out)
    return written


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise DeskbreakError(f"could not write {path}: {error.strerror}") from None


__all__: Sequence[str] = ("Stage", "find_browser", "handout_html", "print_pdf", "stages",
                          "write_handout")
