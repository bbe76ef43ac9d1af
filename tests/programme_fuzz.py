"""What must hold for ANY programme text, shared by the hypothesis test (a fixed budget, in CI)
and the coverage-guided atheris run (`make fuzz`).

`check_programme_text(text)` raises AssertionError when a promise breaks:
- checking ends in a Programme or in ProgrammeInvalid, never another exception;
- every problem is one `FILE:LINE:COL: ...` line, inside the file, with nothing raw that a
  terminal would act on;
- an accepted programme has bounded, finite timings and can be shown;
- checking is bounded in time (the file size limit makes every step cheap).
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from deskbreak.core.programme_file import ProgrammeInvalid, parse_programme
from deskbreak.core.units import MAX_DURATION_SECONDS

REPO = Path(__file__).resolve().parent.parent
#: The shipped programmes the mutations start from.
SEEDS = sorted((REPO / "config" / "programmes").glob("*.yaml"))
#: Slowest single check allowed; real files take milliseconds. Generous, for a loaded CI host.
MAX_SECONDS = 5.0
_LINE = re.compile(r"^fuzz\.yaml:(\d+):(\d+): ")


@cache
def library() -> MappingProxyType[str, Any]:
    from deskbreak.library import load_library

    return load_library()  # type: ignore[return-value]


def seed_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in SEEDS]


def check_programme_text(text: str) -> str:
    """Check `text` as a programme and assert every promise; returns "accepted" or "refused"."""
    started = time.monotonic()
    try:
        programme = parse_programme(text, "fuzz.yaml", library())
    except ProgrammeInvalid as error:
        elapsed = time.monotonic() - started
        assert elapsed < MAX_SECONDS, f"refusing took {elapsed:.1f} s"
        lines = error.lines()
        assert lines, "refused without a problem"
        # Lines as editors count them: "\r\n", "\r" and "\n" each end one.
        last_line = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        for line in lines:
            match = _LINE.match(line)
            assert match, f"not a FILE:LINE:COL line: {line!r}"
            assert 1 <= int(match.group(1)) <= last_line, f"line past the end: {line!r}"
            assert int(match.group(2)) >= 1, line
            assert "\n" not in line and "\r" not in line, line
            assert not any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in line), \
                f"raw control character in {line!r}"
        return "refused"
    elapsed = time.monotonic() - started
    assert elapsed < MAX_SECONDS, f"accepting took {elapsed:.1f} s"
    for brk in programme.breaks:
        for seconds in (brk.every_seconds, brk.duration_seconds):
            assert math.isfinite(seconds) and 0 < seconds <= MAX_DURATION_SECONDS, (brk, seconds)
    from deskbreak.render import programme_text

    programme_text(programme, date(2026, 11, 23))  # showing it never fails
    return "accepted"
