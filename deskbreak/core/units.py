"""Parsing and formatting of the durations and times a physio writes ("90s", "5m", "1h30m")."""

from __future__ import annotations

import math
import re
from datetime import time

_DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+(?:\.\d+)?)\s*m(?:in)?)?\s*(?:(\d+(?:\.\d+)?)\s*s(?:ec)?)?\s*$")
_CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

#: The longest duration anything in deskbreak accepts (a programme's interval, a pause): a year
#: and a day. Longer values are mistakes, and unbounded ones overflow date arithmetic.
MAX_DURATION_SECONDS = 366 * 24 * 3600
MAX_DURATION_TEXT = "366 days (8784h)"
#: Digits a single number in a duration may have; more is refused before it is converted, so
#: the cost of a hostile value is bounded too.
MAX_DURATION_DIGITS = 12


def parse_duration(text: str) -> float:
    """Seconds in a duration such as "45s", "5m", "1h30m" or "2m30s". Raises ValueError."""
    match = _DURATION.match(text)
    if not text.strip() or match is None or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration; write it like 30s, 5m or 1h30m")
    groups = [g or "" for g in match.groups()]
    if any(len(g.partition(".")[0]) > MAX_DURATION_DIGITS for g in groups):
        raise ValueError(f"{_shorten(text)!r} is far too long a duration; the most allowed is "
                         f"{MAX_DURATION_TEXT}")
    hours, minutes, seconds = (float(g) if g else 0.0 for g in groups)
    total = hours * 3600 + minutes * 60 + seconds
    if not math.isfinite(total) or total > MAX_DURATION_SECONDS:
        raise ValueError(f"{_shorten(text)!r} is too long a duration; the most allowed is "
                         f"{MAX_DURATION_TEXT}")
    return total


def _shorten(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters for a message (a 400-digit value stays readable)."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_clock_time(text: str) -> time:
    """A wall-clock time written "HH:MM" (24-hour). Raises ValueError."""
    match = _CLOCK_TIME.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time of day; write it like 08:00 or 17:30")
    return time(int(match.group(1)), int(match.group(2)))


def format_duration(seconds: float) -> str:
    """A short human form: "45 s", "5 min", "1 h 20 min". Total for any float:
    infinite or NaN values (which no parser lets through) still give text, not an error."""
    if not math.isfinite(seconds):
        return "forever" if seconds > 0 else "-forever" if seconds < 0 else "an unknown time"
    if seconds < 0:
        return "-" + format_duration(-seconds)
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min" if secs == 0 else f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h" if minutes == 0 else f"{hours} h {minutes} min"
