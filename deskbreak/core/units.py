"""Parsing and formatting of the durations and times a physio writes ("90s", "5m", "1h30m")."""

from __future__ import annotations

import re
from datetime import time

_DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+(?:\.\d+)?)\s*m(?:in)?)?\s*(?:(\d+(?:\.\d+)?)\s*s(?:ec)?)?\s*$")
_CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_duration(text: str) -> float:
    """Seconds in a duration such as "45s", "5m", "1h30m" or "2m30s". Raises ValueError."""
    match = _DURATION.match(text)
    if not text.strip() or match is None or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration; write it like 30s, 5m or 1h30m")
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_clock_time(text: str) -> time:
    """A wall-clock time written "HH:MM" (24-hour). Raises ValueError."""
    match = _CLOCK_TIME.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time of day; write it like 08:00 or 17:30")
    return time(int(match.group(1)), int(match.group(2)))


def format_duration(seconds: float) -> str:
    """A short human form: "45 s", "5 min", "1 h 20 min"."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min" if secs == 0 else f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h" if minutes == 0 else f"{hours} h {minutes} min"
