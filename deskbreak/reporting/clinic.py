"""The clinic view: one offline page with a row per patient, from the files patients send.

Every report carries a small "clinic" record: the patient's HTML report embeds it (with the whole
JSON summary) in an inert data block in its <head>, and the JSON export writes it right after the format
and version. So the clinic reads only the first kilobytes of each file, never a year of events,
and 500 year-long exports load in well under two seconds.

A file that is not a deskbreak report or export, or comes from a newer deskbreak, is named with
its reason on the page and on the terminal; the others still load.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

#: The name and the versions of the data format this deskbreak writes and reads.
EXPORT_FORMAT = "deskbreak-export"
EXPORT_VERSION = 1
#: The id of the data block in an HTML report.
DATA_BLOCK_ID = "deskbreak-data"
#: How much of a file is read to find its clinic record; the record sits near the start.
HEAD_BYTES = 64 * 1024
#: A neck or headache trend that changed by at least this much (scale points) is worth a look.
ADHERENCE_LOW = 0.5
ADHERENCE_FAIR = 0.75
#: Review dates this close count as "due".
REVIEW_DUE_DAYS = 7

# An inert <template>, not a <script>: the report keeps its promise of no scripts at all.
_DATA_OPEN = f'<template id="{DATA_BLOCK_ID}" data-type="application/json">'
_FORMAT_RE = re.compile(rb'"format"\s*:\s*"([^"\\]{0,64})"')
_VERSION_RE = re.compile(rb'"version"\s*:\s*(-?\d{1,9})')
_CLINIC_KEY = b'"clinic"'


# -- writing -------------------------------------------------------------------------------------


def clinic_record(summary: dict[str, Any], prescription: dict[str, Any] | None,
                  patient: str, safety_events: int, generated: datetime) -> dict[str, Any]:
    """The few numbers the clinic view shows for one patient, from the report's summary."""
    total, sitting = summary["total"], summary["sitting"]
    period = summary["period"]
    days = max(1, (date.fromisoformat(period["last"]) - date.fromisoformat(period["first"])
                   ).days + 1)
    recorded = summary.get("programmes") or []
    return {
        "patient": patient or (prescription or {}).get("patient") or "",
        "programme": (prescription["title"] if prescription
                      else recorded[-1]["title"] if recorded else ""),
        "phase": prescription["phase_now"] if prescription else None,
        "review": prescription["review"] if prescription else None,
        "period": {"first": period["first"], "last": period["last"], "days": days},
        "prompted": total["prompted"],
        "done": total["done"],
        "adherence": total["adherence"],
        "bouts": sitting["bouts"],
        "bouts_over_60_min": sitting["bouts_over_60_min"],
        "pain": _trend(summary.get("pain_trend")),
        "headache": _trend(summary.get("headache_trend")),
        "safety_events": safety_events,
        "flags": len(summary.get("flags") or []),
        "generated": generated.isoformat(timespec="seconds"),
    }


def _trend(trend: dict[str, Any] | None) -> dict[str, Any]:
    trend = trend or {}
    return {"words": trend.get("words", "not enough answers"), "change": trend.get("change"),
            "first": trend.get("first_half_mean"), "second": trend.get("second_half_mean")}


def data_document(record: dict[str, Any], summary: dict[str, Any],
                  prescription: dict[str, Any] | None) -> dict[str, Any]:
    """The data an HTML report carries: the clinic record first, then the whole summary."""
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "clinic": record,
            "prescription": prescription, "summary": summary}


def embed_data(page: str, document: dict[str, Any]) -> str:
    """`page` with `document` as JSON in an inert <template> at the end of its <head> ("<", ">"
    and "&" are escaped, so the text can neither close the block nor become markup)."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    block = f"{_DATA_OPEN}{text}</template>\n"
    at = page.find("</head>")
    return page[:at] + block + page[at:] if at >= 0 else block + page


def add_section(page: str, section: str) -> str:
    """`page` with `section` after its summary cards (else its header, else its body's start)."""
    summary = page.find('<section class="summary">')
    for marker in ("</section>", "</header>", "<body>"):
        at = page.find(marker, summary if marker == "</section>" and summary >= 0 else 0)
        if marker == "</section>" and summary < 0:
            continue
        if at >= 0:
            at += len(marker)
            return page[:at] + "\n" + section + page[at:]
    return page + section


# -- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Patient:
    """One row of the clinic page."""

    path: Path
    record: dict[str, Any]


@dataclass(frozen=True)
class Refused:
    """A file the clinic could not use, and why, in words the physio can act on."""

    path: Path
    reason: str


def read_file(path: Path) -> Patient | Refused:
    """The clinic record of one HTML report or JSON export."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except IsADirectoryError:
        return Refused(path, "is a folder, not a report")
    except FileNotFoundError:
        return Refused(path, "no such file")
    except OSError as error:
        return Refused(path, f"cannot be read ({error.strerror or error})")
    start = head.find(_DATA_OPEN.encode())
    if start >= 0:  # an HTML report
        head = head[start + len(_DATA_OPEN):]
        kind = "report"
    elif head.lstrip()[:1] == b"{":
        kind = "export"
    elif b"<html" in head[:2048].lower() and b"deskbreak" in head:
        return Refused(path, "a deskbreak report from before reports carried their data; "
                             "ask for a new one (deskbreak export --format html)")
    else:
        return Refused(path, "not a deskbreak report or JSON export")
    found_format = _FORMAT_RE.search(head[:4096])
    found_version = _VERSION_RE.search(head[:4096])
    if found_format is None or found_format[1].decode("utf-8", "replace") != EXPORT_FORMAT:
        return Refused(path, "not a deskbreak report or JSON export"
                       + (f" (its format is {found_format[1].decode('utf-8', 'replace')!r})"
                          if found_format else ""))
    version = int(found_version[1]) if found_version else None
    if version is None or version < 1:
        return Refused(path, "a deskbreak export without a valid version")
    if version > EXPORT_VERSION:
        return Refused(path, f"made by a newer deskbreak (data version {version}; this one "
                             f"reads up to {EXPORT_VERSION}); update deskbreak to read it")
    record = _clinic_block(head)
    if record is None:
        whole = _record_from_whole(path, kind)
        if isinstance(whole, Refused):
            return whole
        record = whole
    if not isinstance(record.get("period"), dict) or "adherence" not in record:
        return Refused(path, "a deskbreak file whose clinic data is incomplete")
    return Patient(path, record)


def _clinic_block(head: bytes) -> dict[str, Any] | None:
    at = head.find(_CLINIC_KEY)
    if at < 0:
        return None
    colon = head.find(b":", at + len(_CLINIC_KEY))
    text = head[colon + 1:].decode("utf-8", "ignore")
    try:
        value, _ = json.JSONDecoder().raw_decode(text.lstrip())
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _record_from_whole(path: Path, kind: str) -> dict[str, Any] | Refused:
    """An export written before exports carried a clinic record: read its summary in full."""
    if kind != "export":
        return Refused(path, "a deskbreak report whose data block is damaged")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        summary = document["summary"]
        return clinic_record(summary, None, "", 0, datetime.fromtimestamp(
            path.stat().st_mtime))
    except (OSError, ValueError, KeyError, TypeError) as error:
        return Refused(path, f"a damaged deskbreak export ({type(error).__name__})")


# -- who needs attention first -------------------------------------------------------------------


def attention(record: dict[str, Any], today: date) -> tuple[int, list[str]]:
    """A score (higher: look first) and the reasons, in words."""
    score = 0
    reasons: list[str] = []
    safety = int(record.get("safety_events") or 0)
    if safety:
        score += 1000 + safety
        reasons.append(f"{safety} safety event{'s' if safety != 1 else ''}")
    for key, label, weight in (("pain", "neck pain worse", 300), ("headache", "headaches worse",
                                                                     300)):
        if (record.get(key) or {}).get("words") == "worse":
            score += weight
            reasons.append(label)
    review = record.get("review")
    if review:
        days = (date.fromisoformat(review) - today).days
        if days < 0:
            score += 200
            reasons.append(f"review overdue by {-days} day{'s' if days != -1 else ''}")
        elif days <= REVIEW_DUE_DAYS:
            score += 100
            reasons.append("review today" if days == 0 else f"review in {days} "
                           f"day{'s' if days != 1 else ''}")
    adherence = record.get("adherence")
    if adherence is not None and adherence < ADHERENCE_LOW:
        score += 150
        reasons.append("adherence under 50%")
    elif adherence is not None and adherence < ADHERENCE_FAIR:
        score += 50
        reasons.append("adherence under 75%")
    elif adherence is None and record.get("prompted", 0) == 0:
        score += 120
        reasons.append("no prompts recorded")
    days = max(1, int((record.get("period") or {}).get("days") or 1))
    over_60 = int(record.get("bouts_over_60_min") or 0)
    if over_60 / days >= 1:
        score += 40
        reasons.append(f"{over_60 / days:.1f} bouts over 60 min a day")
    flags = int(record.get("flags") or 0)
    if flags:
        score += 20 + flags
        reasons.append(f"{flags} exercise flag{'s' if flags != 1 else ''}")
    return score, reasons


# -- the page ------------------------------------------------------------------------------------


def read_all(paths: Iterable[Path]) -> tuple[list[Patient], list[Refused]]:
    patients: list[Patient] = []
    refused: list[Refused] = []
    for path in paths:
        result = read_file(path)
        (patients if isinstance(result, Patient) else refused).append(result)  # type: ignore[arg-type]
    return patients, refused


def render_clinic(patients: list[Patient], refused: list[Refused], out: Path, today: date,
                  generated: str) -> str:
    """The clinic page: one row per patient, who needs attention first, links to each file."""
    e = html.escape
    scored = sorted(((attention(p.record, today), p) for p in patients),
                    key=lambda item: (-item[0][0], _name(item[1]).lower()))
    rows = []
    for (score, reasons), patient in scored:
        r = patient.record
        link = _href(patient.path, out)
        phase = f"<br><span class=small>{e(r['phase'])}</span>" if r.get("phase") else ""
        period = r["period"]
        level = "high" if score >= 300 else "some" if score >= 50 else "none"
        rows.append(
            f'<tr class="{level}"><td><a href="{e(link)}">{e(_name(patient))}</a>'
            f'<br><span class=small>{e(period["first"])} to {e(period["last"])}</span></td>'
            f"<td>{e(r.get('programme') or '-')}{phase}</td>"
            f"<td class=num>{_percent(r.get('adherence'))}<br><span class=small>"
            f"{int(r.get('done') or 0)} of {int(r.get('prompted') or 0)}</span></td>"
            f"<td class=num>{int(r.get('bouts_over_60_min') or 0)}</td>"
            f"<td>{_trend_cell(r.get('pain'))}</td><td>{_trend_cell(r.get('headache'))}</td>"
            f"<td class=num>{int(r.get('safety_events') or 0)}</td>"
            f"<td class=date>{e(r.get('review') or '-')}</td>"
            f"<td>{e('; '.join(reasons) or 'nothing stands out')}</td></tr>")
    problems = "".join(f"<li><code>{e(str(item.path))}</code>: {e(item.reason)}</li>"
                       for item in refused)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>deskbreak clinic view ({len(patients)} patients)</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<header><h1>Clinic view</h1><p>{len(patients)} patient"
        f"{'s' if len(patients) != 1 else ''}, who needs attention first. Made {e(generated)}; "
        "each name links to the patient's own report.</p></header>",
        *([f'<section class="refused"><h2>Files not read ({len(refused)})</h2><ul>{problems}'
           "</ul></section>"] if refused else []),
        "<table><thead><tr><th>Patient</th><th>Programme and phase</th><th>Adherence</th>"
        "<th>Bouts over 60 min</th><th>Neck pain</th><th>Headache</th><th>Safety events</th>"
        "<th>Review</th><th>Needs attention because</th></tr></thead><tbody>",
        *rows,
        "</tbody></table>",
        "<footer>Adherence = prompts done / prompts shown in each patient's period. Trends "
        "compare the first and second half of the period's answers. Safety events are answers "
        "to the safety questions that advised stopping or seeing a doctor.</footer>",
        "</body></html>",
    ]) + "\n"


def _name(patient: Patient) -> str:
    return str(patient.record.get("patient") or patient.path.stem)


def _href(path: Path, out: Path) -> str:
    try:
        relative = os.path.relpath(path.resolve(), out.resolve().parent)
    except ValueError:  # another drive on Windows
        return path.resolve().as_uri()
    return quote(relative.replace(os.sep, "/"))


def _percent(value: Any) -> str:
    return "-" if value is None else f"{100 * float(value):.0f}%"


def _trend_cell(trend: dict[str, Any] | None) -> str:
    trend = trend or {}
    words = str(trend.get("words") or "not enough answers")
    first, second = trend.get("first"), trend.get("second")
    detail = (f"<br><span class=small>{float(first):.1f} then {float(second):.1f}</span>"
              if first is not None and second is not None else "")
    css = {"worse": "worse", "better": "better"}.get(words, "")
    return f'<span class="{css}">{html.escape(words)}</span>{detail}'


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:1.5em auto;
max-width:1300px;padding:0 1em;color:#212121;background:#fff;line-height:1.35}
h1{margin:0 0 .2em;color:#1a237e}header{background:#e8eaf6;padding:.8em 1.2em;border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:.92em;margin-top:1em}
th,td{border-bottom:1px solid #e0e0e0;padding:.35em .5em;text-align:left;vertical-align:top}
thead th{background:#f5f5f5;position:sticky;top:0}td.num{text-align:right}
tr.high td:first-child{border-left:6px solid #c62828}tr.some td:first-child{border-left:6px solid #ef6c00}
tr.none td:first-child{border-left:6px solid #c8e6c9}.small{font-size:.82em;color:#555}
.date{white-space:nowrap}.worse{color:#b71c1c;font-weight:700}.better{color:#2e7d32;font-weight:700}
.refused{border:1px solid #ffcc80;background:#fff8e1;border-radius:8px;padding:.2em 1em;margin-top:1em}
footer{margin-top:1.5em;font-size:.8em;color:#555}
@media print{thead th{position:static}tr{break-inside:avoid}}
"""
