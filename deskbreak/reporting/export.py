"""CSV and JSON exports, for people who want to do their own analysis.

Every export says in its first line that it holds health data, and CSV cells a spreadsheet would
run as a formula (starting with =, +, -, @, a tab or a carriage return) are written as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from deskbreak.core.compliance import Flag, Report, Sitting, Tally, Trend
from deskbreak.core.events import Event, event_to_json

#: The first line of every export (CSV: the first row; JSON: the first key; HTML: a comment).
HEALTH_DATA_NOTICE = ("deskbreak export: contains personal health data (neck pain; headaches; "
                      "exercise adherence): keep it private")
#: Characters that make a spreadsheet treat a cell as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: The CSV tables `deskbreak export --format csv --table` can write.
CSV_TABLES = ("daily", "exercises", "events")

#: Columns of the events table: the common fields flat, and the whole event as JSON at the end.
EVENT_COLUMNS = (
    "at", "event", "prompt", "series", "break", "kind", "outcome", "exercises", "sitting_seconds",
    "due_at", "snoozes", "start", "end", "seconds", "question", "value", "reason", "title",
    "programme_hash",
)
TALLY_COLUMNS = ("prompted", "done", "taken", "skipped", "snoozed", "missed", "snoozes", "adherence")
DAILY_COLUMNS = (
    "day", *TALLY_COLUMNS, "sitting_seconds", "bouts", "longest_bout_seconds", "bouts_over_30_min",
    "bouts_over_60_min", "neck_mean", "neck_answers", "neck_worst", "headache",
)


def tally_dict(t: Tally) -> dict[str, Any]:
    return {
        "prompted": t.prompted, "done": t.done, "taken": t.taken, "skipped": t.skipped,
        "snoozed": t.snoozed, "missed": t.missed, "snoozes": t.snoozes,
        "adherence": None if t.adherence is None else round(t.adherence, 4),
    }


def sitting_dict(s: Sitting) -> dict[str, Any]:
    return {
        "sitting_seconds": s.seconds, "bouts": s.bouts, "longest_bout_seconds": s.longest_seconds,
        "bouts_over_30_min": s.over_30, "bouts_over_60_min": s.over_60,
    }


def _trend_dict(t: Trend) -> dict[str, Any]:
    return {"answers": t.answers, "first_half_mean": t.first_mean, "second_half_mean": t.second_mean,
            "change": t.change, "words": t.words}


def _flag_dict(f: Flag) -> dict[str, Any]:
    return {"exercise": f.exercise, "at": f.at.isoformat(timespec="seconds"), "neck": f.value,
            "previous_neck": f.previous, "reason": f.reason}


def daily_rows(report: Report) -> list[dict[str, Any]]:
    rows = []
    for d in report.days:
        mean = d.neck_mean
        rows.append({
            "day": d.day.isoformat(), **tally_dict(d.prompts), **sitting_dict(d.sitting),
            "neck_mean": None if mean is None else round(mean, 2), "neck_answers": d.neck_answers,
            "neck_worst": d.neck_worst, "headache": d.headache,
        })
    return rows


def summary_dict(report: Report) -> dict[str, Any]:
    """The report as plain data (the JSON export's "summary")."""
    return {
        "period": {"first": report.period.first.isoformat(), "last": report.period.last.isoformat()},
        "programmes": [
            {"title": p.title, "programme_hash": p.programme_hash,
             "since": p.since.isoformat(timespec="seconds")}
            for p in report.programmes
        ],
        "total": tally_dict(report.total),
        "sitting": sitting_dict(report.sitting),
        "exercises": {name: tally_dict(t) for name, t in report.exercises.items()},
        "breaks": {name: tally_dict(t) for name, t in report.breaks.items()},
        "days": daily_rows(report),
        "pain_trend": _trend_dict(report.pain_trend),
        "headache_trend": _trend_dict(report.headache_trend),
        "flags": [_flag_dict(f) for f in report.flags],
        # The clinical summary (core/compliance.py): review banner, safety, diary, pairs.
        "review": {"due": report.review.due, "reasons": list(report.review.reasons)},
        "safety": [{"at": r.at.isoformat(timespec="seconds"), "trigger": r.trigger,
                    "answered": r.answered, "any_yes": r.any_yes, "advice": r.advice,
                    "yes": list(r.yes)} for r in report.safety],
        "headache_diary": {
            "answered_days": report.headache.answered_days,
            "headache_days": report.headache.headache_days,
            "headache_days_per_week": report.headache.per_week,
            "mean_intensity": report.headache.mean_intensity,
            "painkiller_days": report.headache.painkiller_days,
            "painkiller_days_per_month": report.headache.painkiller_days_per_month,
            "painkillers_frequent": report.headache.painkillers_frequent},
        "before_after": {name: {"pairs": b.pairs, "before_mean": b.before_mean,
                                "after_mean": b.after_mean}
                         for name, b in report.before_after.items()},
    }


def to_json(report: Report, events: Iterable[Event],
            extra: dict[str, Any] | None = None) -> str:
    """The JSON export: the summary and every event of the period (lossless event form).

    `extra` (the clinic record, the prescription) goes before the summary, so `deskbreak clinic`
    finds it in the file's first kilobytes without reading a year of events."""
    document = {
        "notice": HEALTH_DATA_NOTICE,
        "format": "deskbreak-export",
        "version": 1,
        **(extra or {}),
        "summary": summary_dict(report),
        "events": [event_to_json(e) for e in events],
    }
    text = json.dumps(document, indent=1, ensure_ascii=False)
    # The notice on the first line itself, where a reader looks: `{"notice": ...,`.
    return "{" + text.removeprefix("{\n ") + "\n"


def to_csv(report: Report, events: Iterable[Event], table: str) -> str:
    """One CSV table: "daily" (one row a day), "exercises" (one row an exercise) or "events"."""
    out = io.StringIO()
    out.write(f"# {HEALTH_DATA_NOTICE}\n")  # no comma or quote in it: one cell, written as is
    if table == "daily":
        writer = csv.DictWriter(out, DAILY_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _safe(v) for k, v in row.items()} for row in daily_rows(report))
    elif table == "exercises":
        writer = csv.DictWriter(out, ("exercise", *TALLY_COLUMNS, "flags"), lineterminator="\n")
        writer.writeheader()
        flagged = report.flagged_exercises()
        for name, t in report.exercises.items():
            writer.writerow({"exercise": _safe(name), **tally_dict(t),
                             "flags": len(flagged.get(name, ()))})
    elif table == "events":
        writer = csv.DictWriter(out, (*EVENT_COLUMNS, "json"), lineterminator="\n",
                                extrasaction="ignore")
        writer.writeheader()
        for event in events:
            data = event_to_json(event)
            row = {k: _cell(v) for k, v in data.items()}
            row["json"] = _safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            writer.writerow(row)
    else:
        raise ValueError(f"unknown table {table!r}")
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        value = ";".join(str(v) if not isinstance(v, dict) else json.dumps(v) for v in value)
    return _safe(value)


def _safe(value: Any) -> Any:
    """`value` as a spreadsheet shows it but never runs it: text that starts like a formula gets
    a leading apostrophe (the spreadsheet convention for "this is text"). Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
