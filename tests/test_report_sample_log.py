"""A small, hand-computed compliance log shared by the store, compliance and report tests.

The expected numbers in test_compliance.py and test_reports_cli.py were worked out by hand from
the comments here; change the log and you must redo them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from deskbreak.core.compliance import Period
from deskbreak.core.events import (
    EVENT_TYPES,
    BoutEnded,
    BoutStarted,
    CheckinAnswered,
    CheckinDue,
    Event,
    HeadacheDiary,
    Outcome,
    Paused,
    ProgrammeLoaded,
    ProgrammeRejected,
    PromptDeferred,
    PromptOutcome,
    PromptShown,
    Resumed,
    SafetyAdvice,
    Screening,
    ScreeningDue,
    SnoozeRefused,
)

LONDON = ZoneInfo("Europe/London")
#: The report period of the sample: Monday 2 and Tuesday 3 March 2026 (GMT, +00:00).
SAMPLE_PERIOD = Period(date(2026, 3, 2), date(2026, 3, 3))
TITLE = "Neck phase 1"
HASH = "5f1d0c9a2b7e4c11"
NECK = ("chin-tuck", "neck-rotation")
DOSE = ({"reps": 8, "sets": 1, "hold_seconds": 5.0, "rest_seconds": 0.0, "sides": [],
         "duration_seconds": None},
        {"reps": 5, "sets": 1, "hold_seconds": None, "rest_seconds": 0.0,
         "sides": ["left", "right"], "duration_seconds": None})


def at(day: int, hh: int, mm: int) -> datetime:
    return datetime(2026, 3, day, hh, mm, tzinfo=LONDON)


def shown(when: datetime, prompt: int, series: int, exercises: tuple[str, ...],
          brk: str = "neck", kind: str = "micro", snoozes: int = 0) -> PromptShown:
    doses = tuple(DOSE[i % 2] for i in range(len(exercises)))
    return PromptShown(when, prompt, series, brk, kind, exercises, doses, 1800, when, snoozes,
                       TITLE, HASH)


def ended(when: datetime, prompt: int, series: int, outcome: Outcome,
          exercises: tuple[str, ...], brk: str = "neck", kind: str = "micro") -> PromptOutcome:
    return PromptOutcome(when, prompt, series, brk, kind, outcome, exercises)


def bout(start: datetime, minutes: int, noticed_after: int = 5) -> BoutEnded:
    end = start + timedelta(minutes=minutes)
    return BoutEnded(end + timedelta(minutes=noticed_after), start, end, minutes * 60, "away")


def sample_log() -> list[Event]:
    """Every event type at least once, in time order. Expected numbers for SAMPLE_PERIOD:

    prompts (snooze chains): Mon 5 (done 2, skipped 1, taken 1, missed 1; 1 snooze),
    Tue 3 (done 2, 1 left snoozed; 3 snoozes); total 8, done 4 = 50 %.
    bouts: Mon 75, 60, 30, 100 min; Tue 50 min: 5 bouts, 315 min, longest 100,
    over 30: 4 (60 counts, 30 does not), over 60: 2 (60 does not).
    neck: Sun 2 (before the period), Mon 3 and 5, Tue 5, 7 and 8.
    clear rises (2 or more, against the rating before the break, else the previous one that
    day): Mon 13:32 5 from 3 (chin-tuck, neck-rotation), Tue 11:32 8 from 5 before the break
    (neck-rotation). Flagged (2 rises or more): neck-rotation only. Mon 09:38 3 from Sunday's 2
    (another day), Tue 09:44 5=5 and Tue 11:00 (no break) are not rises.
    before/after pairs: Tue 11:30/11:32 5 -> 8 (neck-rotation).
    headache: Mon mild, Tue none.
    """
    return [
        # Sunday, before the period: only the neck answer matters (the "previous" one).
        CheckinAnswered(at(1, 16, 0), "neck", 2, 99, ("neck-rotation",)),
        # Monday 2 March
        ProgrammeLoaded(at(2, 9, 0), TITLE, HASH, "/home/u/.config/deskbreak/programme.yaml"),
        BoutStarted(at(2, 9, 0)),
        shown(at(2, 9, 30), 1, 1, NECK),
        ended(at(2, 9, 31), 1, 1, Outcome.SNOOZED, NECK),
        shown(at(2, 9, 36), 2, 1, NECK, snoozes=1),
        SnoozeRefused(at(2, 9, 36, ), 2, "You have put this off twice; please do it now."),
        ended(at(2, 9, 37), 2, 1, Outcome.DONE, NECK),
        CheckinAnswered(at(2, 9, 38), "neck", 3, 2, NECK),
        bout(at(2, 9, 0), 75),  # 09:00-10:15
        BoutStarted(at(2, 10, 20)),
        shown(at(2, 10, 50), 3, 3, ("shoulder-roll",)),
        ended(at(2, 11, 0), 3, 3, Outcome.SKIPPED, ("shoulder-roll",)),
        bout(at(2, 10, 20), 60),  # exactly 60: over 30, not over 60
        BoutStarted(at(2, 11, 25)),
        PromptDeferred(at(2, 11, 50), "walk", "fullscreen window"),
        shown(at(2, 11, 55), 4, 4, ("walk",), brk="walk", kind="movement"),
        bout(at(2, 11, 25), 30, noticed_after=10),  # exactly 30: not over 30
        ended(at(2, 12, 5), 4, 4, Outcome.TAKEN, ("walk",), brk="walk", kind="movement"),
        Paused(at(2, 12, 10), at(2, 13, 0), "lunch"),
        Resumed(at(2, 13, 0), "pause ended"),
        BoutStarted(at(2, 13, 0)),
        shown(at(2, 13, 30), 5, 5, NECK),
        ended(at(2, 13, 31), 5, 5, Outcome.DONE, NECK),
        CheckinAnswered(at(2, 13, 32), "neck", 5, 5, NECK),
        shown(at(2, 14, 0), 6, 6, ("shoulder-roll",)),
        ended(at(2, 14, 10), 6, 6, Outcome.MISSED, ("shoulder-roll",)),
        bout(at(2, 13, 0), 100),  # 13:00-14:40
        ProgrammeRejected(at(2, 15, 0), "/home/u/.config/deskbreak/programme.yaml",
                          ("breaks[0].every: write a duration like 30m",)),
        CheckinDue(at(2, 17, 30), "headache"),
        CheckinAnswered(at(2, 17, 31), "headache", "mild"),
        # Tuesday 3 March
        BoutStarted(at(3, 9, 0)),
        shown(at(3, 9, 30), 7, 7, ("shoulder-roll",)),
        ended(at(3, 9, 31), 7, 7, Outcome.SNOOZED, ("shoulder-roll",)),
        shown(at(3, 9, 36), 8, 7, ("shoulder-roll",), snoozes=1),
        ended(at(3, 9, 37), 8, 7, Outcome.SNOOZED, ("shoulder-roll",)),
        shown(at(3, 9, 42), 9, 7, ("shoulder-roll",), snoozes=2),
        ended(at(3, 9, 43), 9, 7, Outcome.DONE, ("shoulder-roll",)),
        CheckinAnswered(at(3, 9, 44), "neck", 5, 9, ("shoulder-roll",)),
        bout(at(3, 9, 0), 50),
        shown(at(3, 10, 30), 10, 10, NECK),
        ended(at(3, 10, 31), 10, 10, Outcome.SNOOZED, NECK),  # never answered again
        CheckinAnswered(at(3, 11, 0), "neck", 7),  # no break attached: no flag
        shown(at(3, 11, 30), 11, 11, ("neck-rotation",)),
        CheckinAnswered(at(3, 11, 30), "neck_before", 5, 11),  # the rating before the break
        ended(at(3, 11, 31), 11, 11, Outcome.DONE, ("neck-rotation",)),
        CheckinAnswered(at(3, 11, 32), "neck", 8, 11, ("neck-rotation",)),
        CheckinAnswered(at(3, 17, 31), "headache", "none"),
        # Wednesday 4 March, after the period
        shown(at(4, 9, 30), 12, 12, NECK),
        ended(at(4, 9, 31), 12, 12, Outcome.DONE, NECK),
        CheckinAnswered(at(4, 9, 32), "neck", 10, 12, NECK),
        ScreeningDue(at(4, 9, 32), "neck 7 or more"),
        Screening(at(4, 9, 34), "neck 7 or more", {"sudden_severe": False, "arm_symptoms": True}),
        SafetyAdvice(at(4, 9, 34), "neck 7 or more", True, "same_day", at(5, 0, 0)),
        HeadacheDiary(at(4, 17, 0), "2026-03-04", 4, "1-4h", False),
    ]


def test_the_sample_log_has_every_event_type_in_time_order() -> None:
    log = sample_log()
    assert {e.KIND for e in log} == set(EVENT_TYPES)
    assert [e.at for e in log] == sorted(e.at for e in log)
