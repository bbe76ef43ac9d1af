"""What was prescribed: the programme's title, the phases and doses in force in a report's period
(and the days they changed), and the review date, as plain data for every report format.

The data is built once from the programme file the log says was in force, and only then
rendered (text lines, an HTML section) or serialised (the JSON export, the clinic view).
"""

from __future__ import annotations

import html
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskbreak.core.programme import Programme
from deskbreak.core.units import format_duration

if TYPE_CHECKING:
    from deskbreak.store import SqliteStore


def prescription_for(programme: Programme, first: date, last: date,
                     logged_hash: str | None = None) -> dict[str, Any]:
    """The prescription in force from `first` to `last`, one entry per phase change."""
    periods: list[dict[str, Any]] = []
    for since, phase in programme.phase_changes(first, last):
        view = programme.on(since)
        periods.append({
            "since": since.isoformat(),
            "phase": phase.name if phase is not None else None,
            "when": phase.when() if phase is not None else None,
            "breaks": [{
                "name": brk.name,
                "kind": brk.kind.value,
                "every_seconds": brk.every_seconds,
                "duration_seconds": brk.duration_seconds,
                "exercises": [{"id": exercise_id, "title": view.exercises[exercise_id].title,
                               "dose": view.exercises[exercise_id].dose_text()}
                              for exercise_id in dict.fromkeys(brk.exercise_ids)],
            } for brk in view.breaks],
        })
    in_force = programme.phase_on(last)
    return {
        "title": programme.title,
        "prescribed_by": programme.prescribed_by,
        "patient": programme.patient,
        "starts": programme.starts.isoformat() if programme.starts else None,
        "review": programme.review.isoformat() if programme.review else None,
        "programme_hash": programme.content_hash,
        # False when the file was edited after the log recorded it: the doses shown are the
        # file's current ones, and the reader is told so.
        "matches_log": logged_hash is None or logged_hash == programme.content_hash,
        "phase_now": in_force.name if in_force is not None else None,
        "periods": periods,
    }


def find_prescription(store: SqliteStore, first: date, last: date,
                      until: datetime) -> dict[str, Any] | None:
    """The prescription of the programme the log last loaded before `until` (else the installed
    one), read through the validating loader; None when no programme file can be read."""
    from deskbreak.core.events import ProgrammeLoaded
    from deskbreak.errors import DeskbreakError
    from deskbreak.library import load_programme
    from deskbreak.paths import user_paths

    loaded = [e for e in store.events(until=until, kinds=("programme",))
              if isinstance(e, ProgrammeLoaded)]
    candidates: list[tuple[Path, str | None]] = []
    if loaded:
        candidates.append((Path(loaded[-1].path), loaded[-1].programme_hash))
    candidates.append((user_paths().installed_programme, None))
    for path, logged_hash in candidates:
        try:
            programme = load_programme(path)
        except DeskbreakError:  # moved, unreadable or no longer valid: try the next one
            continue
        return prescription_for(programme, first, last, logged_hash)
    return None


def _day(text: str) -> str:
    day = date.fromisoformat(text)
    return f"{day:%a} {day.day} {day:%b %Y}"


def _break_line(brk: dict[str, Any]) -> str:
    return (f"{brk['name']} ({brk['kind']}): every {format_duration(brk['every_seconds'])} of "
            f"sitting, {format_duration(brk['duration_seconds'])}")


def prescription_lines(prescription: dict[str, Any] | None) -> list[str]:
    """The prescription as lines for the terminal report."""
    if prescription is None:
        return ["Prescription", "  the programme file could not be read; only its title is known"]
    lines = ["Prescription", f"  {prescription['title']}"]
    if prescription["prescribed_by"]:
        lines.append(f"  prescribed by {prescription['prescribed_by']}")
    if prescription["review"]:
        lines.append(f"  review appointment: {_day(prescription['review'])}")
    if not prescription["matches_log"]:
        lines.append("  (the programme file has changed since the log recorded it; these are "
                     "its current doses)")
    for period in prescription["periods"]:
        name = period["phase"] or "starting doses"
        lines.append(f"  from {_day(period['since'])}: {name}"
                     + (f" ({period['when']})" if period["when"] else ""))
        for brk in period["breaks"]:
            lines.append(f"    {_break_line(brk)}")
            for exercise in brk["exercises"]:
                lines.append(f"      - {exercise['title']}: {exercise['dose']}")
    return lines


def prescription_html(prescription: dict[str, Any] | None) -> str:
    """The prescription as an HTML section for the physio's report."""
    e = html.escape
    if prescription is None:
        return ('<section class="prescription"><h2>Prescription</h2><p>The programme file could '
                "not be read; only the title recorded in the log is known.</p></section>")
    facts = [("Programme", prescription["title"]),
             ("Phase at the end of the period", prescription["phase_now"] or ""),
             ("Review", _day(prescription["review"]) if prescription["review"] else "")]
    style = ("<style>.prescription table.doses td,.prescription table.doses th{text-align:left;vertical-align:top}"
             ".prescription .sub{font-size:.85em;color:#555}"
             ".prescription strong{color:#1a237e}</style>")
    parts = [f'<section class="prescription">{style}<h2>Prescription</h2><dl>',
             *(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts if v), "</dl>"]
    if not prescription["matches_log"]:
        parts.append("<p><em>The programme file has changed since the log recorded it; these "
                     "are its current doses.</em></p>")
    before: dict[tuple[str, str], str] | None = None
    for period in prescription["periods"]:
        name = period["phase"] or "Starting doses"
        when = f" ({period['when']})" if period["when"] else ""
        parts.append(f"<h3>From {e(_day(period['since']))}: {e(name)}{e(when)}</h3>")
        rows = []
        now: dict[tuple[str, str], str] = {}
        for brk in period["breaks"]:
            lines = []
            for x in brk["exercises"]:
                now[(brk["name"], x["id"])] = x["dose"]
                # What this period changed from the one before stands out.
                line = f"{e(x['title'])}: {e(x['dose'])}"
                previous = before.get((brk["name"], x["id"])) if before is not None else None
                if before is not None and previous is None:
                    line = f"<strong>{line} (added)</strong>"
                elif before is not None and previous != x["dose"]:
                    line = f"<strong>{line} (changed)</strong>"
                lines.append(line)
            timing = e(f"{brk['kind']} break, every {format_duration(brk['every_seconds'])}, "
                       f"takes {format_duration(brk['duration_seconds'])}")
            now[(brk["name"], "")] = timing
            if before is not None and before.get((brk["name"], "")) not in (None, timing):
                timing = f"<strong>{timing} (changed)</strong>"
            rows.append(f"<tr><td>{e(brk['name'])}<br><span class=sub>{timing}</span></td>"
                        f"<td>{'<br>'.join(lines)}</td></tr>")
        before = now
        parts.append('<table class="doses"><colgroup><col style="width:34%"><col></colgroup>'
                     "<thead><tr><th>Break</th><th>Exercises and doses</th></tr></thead>"
                     f"<tbody>{''.join(rows)}</tbody></table>")
    parts.append("</section>")
    return "\n".join(parts)


def safety_event_count(store: SqliteStore, since: datetime, until: datetime) -> int:
    """Safety answers in the period that advised stopping or getting advice (0 before the log
    knew such events)."""
    count = 0
    for event in store.events(since, until, kinds=("safety",)):
        if getattr(event, "any_yes", True):
            count += 1
    return count


def report_data(store: SqliteStore, report: Any, since: datetime, until: datetime,
                patient: str, generated: datetime) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The prescription of a report's period and the clinic record, built once for every
    format (text, HTML, JSON) to show or carry."""
    from deskbreak.reporting.clinic import clinic_record
    from deskbreak.reporting.export import summary_dict

    prescription = find_prescription(store, report.period.first, report.period.last, until)
    record = clinic_record(summary_dict(report), prescription, patient,
                           safety_event_count(store, since, until), generated)
    return prescription, record
