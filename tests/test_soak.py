"""A soak: 30 simulated days of a realistic desk worker through the real engine and the real
SQLite store in one process. Memory stays flat, every prompt gets at most one outcome, and the
report read from the log equals the report computed from the events."""

from __future__ import annotations

import gc
import random
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import REPO

from deskbreak.core.compliance import Period, facts_from_events, summarise_facts
from deskbreak.core.engine import Engine
from deskbreak.core.events import Answer, PromptOutcome, PromptShown
from deskbreak.core.sitting import Sample
from deskbreak.library import load_programme
from deskbreak.store import open_store

LONDON = ZoneInfo("Europe/London")
POLL = 10
DAYS = 30
#: Growth of traced Python memory allowed between day 5 and day 30 (the engine keeps only the
#: latest prompts; anything that grows per event would pass this within days).
MAX_GROWTH_BYTES = 256 * 1024


@pytest.mark.slow
def test_thirty_days_keep_memory_flat_and_the_report_equal_to_the_events(tmp_path: Path) -> None:
    programme = load_programme(REPO / "config" / "programmes" /
                               "cervicogenic-headache-phase1.yaml")
    rng = random.Random(20261123)
    engine = Engine(programme, poll_seconds=POLL)
    store = open_store(tmp_path / "log.sqlite3")
    start = datetime(2026, 11, 30, 0, 0, tzinfo=LONDON)
    store.append_many(engine.replace_programme(programme, start, "programme.yaml"))
    appended = 0
    memory_at: dict[int, int] = {}
    tracemalloc.start()
    try:
        for day in range(DAYS):
            midnight = (start + timedelta(days=day)).astimezone(LONDON)
            moment = midnight.replace(hour=8, minute=rng.randint(0, 50))
            last_input = moment
            end_of_day = midnight.replace(hour=18, minute=rng.randint(0, 30))
            away_until: datetime | None = None
            while moment < end_of_day:
                moment = (moment + timedelta(seconds=POLL)).astimezone(LONDON)
                if away_until is None and rng.random() < 1 / 400:
                    away_until = moment + timedelta(minutes=rng.choice((2, 6, 15, 45)))
                if away_until is not None and moment >= away_until:
                    away_until = None
                if away_until is None:
                    last_input = moment - timedelta(seconds=rng.randint(0, 3))
                events = engine.tick(Sample(moment, (moment - last_input).total_seconds(),
                                            locked=away_until is not None and rng.random() < .3))
                if engine.open_prompt is not None and away_until is None and rng.random() < 0.02:
                    # The three answers of the prompt itself (Answer also has the guided
                    # break's partial and stopped now).
                    choice = rng.choices([Answer.DONE, Answer.SKIP, Answer.SNOOZE],
                                         weights=(6, 1, 2))[0]
                    _, answered = engine.answer(moment, choice)
                    events += answered
                    if choice is Answer.DONE and rng.random() < 0.7:
                        events += engine.checkin(moment, "neck", rng.randint(0, 6),
                                                 prompt_id=engine.last_prompt_id)
                if events:
                    assert store.append_many(events)
                    appended += len(events)
            store.append_many(engine.finish(end_of_day, reason="end of day"))
            if day in (4, DAYS - 1):
                gc.collect()
                memory_at[day] = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    growth = memory_at[DAYS - 1] - memory_at[4]
    assert growth < MAX_GROWTH_BYTES, f"memory grew {growth} bytes from day 5 to day {DAYS}"

    events = list(store.events())
    assert len(events) >= appended
    shown = [e for e in events if isinstance(e, PromptShown)]
    outcomes = [e for e in events if isinstance(e, PromptOutcome)]
    assert len(shown) > 8 * DAYS  # a real load: over ten prompts a working day
    assert len({o.prompt for o in outcomes}) == len(outcomes)  # at most one outcome each
    assert {o.prompt for o in outcomes} <= {s.prompt for s in shown}
    period = Period(start.date(), (start + timedelta(days=DAYS - 1)).date())
    from_log = summarise_facts(store.report_facts(period), period)
    assert from_log == summarise_facts(facts_from_events(events, period), period)
    assert from_log.total.prompted > 0 and from_log.sitting.bouts > DAYS
    print(f"soak: {len(events)} events, {len(shown)} prompts, memory growth day 5 to {DAYS}: "
          f"{growth} bytes")
    store.close()
