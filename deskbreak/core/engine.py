"""The engine: sitting model + break planner, fed one sample at a time.

One engine instance is owned by one thread (the daemon's engine thread, or the simulator). It
performs no I/O and never reads the clock: every method takes the moment it happens at, and
returns the events to record and act on.

Rules (see docs/how-it-works.md):
- A movement break is due when the current bout reaches its `every`; a micro break when sitting
  since the last micro or movement break (or since the bout started) reaches its `every`.
  When both are due, the movement break wins.
- Answers: done, skip, snooze (limited by the physio), and for a guided break the user started:
  partial (stopped after finishing at least one exercise) or stopped (before finishing any).
  No answer within `respond_within` gives `taken` if the user was away for at least the
  break's duration in that window, else `missed`; a started break is never closed by that
  timeout (it ends with the guided break's own answer).
- done/partial/taken: a movement break ends the bout; a micro break restarts its own timer.
  skipped/stopped/missed: that break comes again after another `every` of sitting.
- A snoozed break comes back with the same exercises.
- Every prompt gets exactly one outcome: `finish` closes the one still open.
- No prompt outside working hours, while paused, or while the user is away, locked or asleep.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from deskbreak.core.diary import entry_from_answer
from deskbreak.core.events import (
    HEADACHE_LEVELS,
    Answer,
    CheckinAnswered,
    CheckinDue,
    Event,
    Outcome,
    Paused,
    ProgrammeLoaded,
    PromptDeferred,
    PromptOutcome,
    PromptShown,
    Resumed,
    SnoozeRefused,
)
from deskbreak.core.programme import Break, BreakKind, Exercise, Programme
from deskbreak.core.prompt_card import make_card, snooze_refusal
from deskbreak.core.screening import SafetyState
from deskbreak.core.sitting import (
    Presence,
    Sample,
    SittingRules,
    SittingState,
    end_bout,
    step,
)

#: After a prompt ends, a different break waits at least this long, so prompts never arrive
#: back to back (a snoozed prompt keeps its own, physio-set timing).
QUIET_AFTER_PROMPT_SECONDS = 120.0
#: The daily headache question, when the programme sets no time: this long before the day ends.
HEADACHE_QUESTION_BEFORE_END = timedelta(minutes=30)
#: Neck check-in answers run from 0 (no pain) to this.
MAX_NECK_SCORE = 10
#: A started guided break whose answer never comes (its window was lost) is closed as stopped
#: after this many times the break's planned duration, and never sooner than
#: STARTED_BREAK_MIN_SECONDS: long enough for anyone doing the exercises slowly.
STARTED_BREAK_LIMIT_FACTOR = 3
STARTED_BREAK_MIN_SECONDS = 30 * 60


class AnswerResult(enum.Enum):
    """What became of an answer."""

    #: The answer closed (or snoozed) the open prompt.
    ACCEPTED = "accepted"
    #: There is no open prompt to answer.
    NO_PROMPT = "no_prompt"
    #: The physio allows no more snoozes; the prompt stays open.
    SNOOZE_REFUSED = "snooze_refused"


@dataclass
class OpenPrompt:
    """The prompt on screen now. At most one is open at a time."""

    shown: PromptShown
    brk: Break
    deadline: datetime
    #: Longest stretch without input since the prompt was shown (seconds), where it began, and
    #: the first input after it (None while it is still going on).
    longest_away: float = 0.0
    away_start: datetime | None = None
    returned_at: datetime | None = None
    #: When the user began the guided break (None: not started). From then on the answer
    #: timeout no longer applies.
    started_at: datetime | None = None


@dataclass
class SnoozedBreak:
    """A break the user snoozed: it comes back at `until` if they are still sitting."""

    series: int
    snoozes: int
    until: datetime
    #: The exercises of the snoozed prompt: the same ones come back.
    exercises: tuple[str, ...] = ()


@dataclass
class Status:
    """A snapshot for the tray, `deskbreak status` and the console."""

    presence: Presence
    sitting_seconds: float
    paused_until: datetime | None
    paused: bool
    next_break: str | None
    next_break_in_seconds: float | None
    open_prompt: int | None
    open_break: str | None
    in_working_hours: bool
    programme_title: str


@dataclass
class _PlannerState:
    next_prompt_id: int = 1
    open: OpenPrompt | None = None
    snoozed: dict[str, SnoozedBreak] = field(default_factory=dict)
    #: When each break's timer last restarted (None: at the start of the bout).
    anchors: dict[str, datetime] = field(default_factory=dict)
    rotation: dict[str, int] = field(default_factory=dict)
    quiet_until: datetime | None = None
    paused: bool = False
    paused_until: datetime | None = None
    deferred_since: datetime | None = None
    headache_asked_on: date | None = None


class Engine:
    """Sitting model and break planner for one programme. Not thread-safe: one owner thread."""

    def __init__(self, programme: Programme, poll_seconds: float = 5.0,
                 first_prompt_id: int = 1) -> None:
        self.programme = programme
        self.rules = SittingRules(programme.settings.natural_break_seconds, poll_seconds)
        self.sitting = SittingState()
        self._plan = _PlannerState(next_prompt_id=first_prompt_id)
        #: Exercises of recent prompts, so a neck check-in can name what was just done.
        self._recent_exercises: dict[int, tuple[str, ...]] = {}
        #: Screening and the safety pause of neck prompts (core/screening.py).
        self._safety = SafetyState()

    # -- inputs -------------------------------------------------------------------------------

    def tick(self, sample: Sample, fullscreen: bool = False,
             busy: str | None = None) -> list[Event]:
        """Feed one OS sample; return what happened (bouts, prompts, outcomes). `busy` says why
        a due prompt should wait ("fullscreen", "microphone in use by ..."); `fullscreen=True`
        is the same as `busy="fullscreen"`."""
        # The phase in force today decides the breaks and doses (a cached view: cheap per tick).
        self.programme = self.programme.on(sample.at.date())
        input_before, sample_before = self.sitting.last_input, self.sitting.last_sample_at
        set_back = sample_before is not None and (
            (sample_before - sample.at).total_seconds() > self.rules.clock_set_back_seconds)
        self.sitting, events = step(self.sitting, sample, self.rules)
        if set_back:
            events += self._clock_set_back(sample.at)
        now = sample.at
        if events and any(e.KIND == "bout" for e in events):
            # The user left (idle, locked or asleep): nothing snoozed or deferred carries over.
            self._plan.snoozed.clear()
            self._plan.deferred_since = None
        plan = self._plan
        if plan.paused:
            events += self._expire_pause(now)
        if plan.open is not None:
            events += self._track_open_prompt(now, input_before, sample_before)
        if self.sitting.presence is Presence.SITTING:
            events += self._maybe_prompt(now, busy or ("fullscreen" if fullscreen else None))
            if self.programme.settings.checkins.headache_daily:
                events += self._maybe_ask_headache(now)
        if len(events) > 1:
            # Outcomes are dated at their deadline, which can fall before this sample's events.
            events.sort(key=lambda event: event.at)
        return events

    def finish(self, at: datetime, reason: str = "stopped") -> list[Event]:
        """The service or trace stops: close the open prompt (so every prompt gets exactly one
        outcome) and record the bout in progress, ended at the last input."""
        events: list[Event] = []
        open_prompt = self._plan.open
        if open_prompt is not None:
            events += self._close(at, self._unanswered_outcome(open_prompt))
        if self.sitting.bout_start is None:
            return events
        end = self.sitting.last_input or at
        self.sitting, bout_events = end_bout(self.sitting, min(end, at), at, reason)
        return events + bout_events

    def start_break(self, at: datetime, prompt_id: int | None = None) -> bool:
        """The user began the guided break of the open prompt: the answer timeout stops for it.
        False when that prompt is no longer open."""
        open_prompt = self._plan.open
        if open_prompt is None or (prompt_id is not None and prompt_id != open_prompt.shown.prompt):
            return False
        if open_prompt.started_at is None:
            open_prompt.started_at = at
        return True

    def answer(self, at: datetime, answer: Answer, prompt_id: int | None = None,
               finished: tuple[str, ...] = (),
               reason: str | None = None) -> tuple[AnswerResult, list[Event]]:
        """The user answered the open prompt (or `prompt_id`, if it is still the open one).

        `finished` names the exercises finished (PARTIAL; DONE means all of them) and `reason`
        says why a guided break was stopped (PARTIAL and STOPPED)."""
        open_prompt = self._plan.open
        if open_prompt is None or (prompt_id is not None and prompt_id != open_prompt.shown.prompt):
            return AnswerResult.NO_PROMPT, []
        brk = open_prompt.brk
        if answer is Answer.SNOOZE:
            message = snooze_refusal(brk, open_prompt.shown.snoozes)
            if message is not None:
                return AnswerResult.SNOOZE_REFUSED, [
                    SnoozeRefused(at=at, prompt=open_prompt.shown.prompt, message=message)]
            self._plan.snoozed[brk.name] = SnoozedBreak(
                series=open_prompt.shown.series, snoozes=open_prompt.shown.snoozes + 1,
                until=at + timedelta(minutes=brk.snooze.minutes),
                exercises=open_prompt.shown.exercises)
            return AnswerResult.ACCEPTED, self._close(at, Outcome.SNOOZED)
        shown = open_prompt.shown.exercises
        if answer is Answer.DONE:
            return AnswerResult.ACCEPTED, self._close(at, Outcome.DONE, finished=shown)
        if answer in (Answer.PARTIAL, Answer.STOPPED):
            # Only exercises of this prompt count, in the prompt's order.
            done = tuple(e for e in shown if e in set(finished))
            outcome = (Outcome.PARTIAL if answer is Answer.PARTIAL and (done or not finished)
                       else Outcome.STOPPED)
            events = self._close(at, outcome, finished=done, reason=reason)
            due = self._safety.after_stop(at, reason)  # stopped because of symptoms: screen
            return AnswerResult.ACCEPTED, events + ([due] if due else [])
        return AnswerResult.ACCEPTED, self._close(at, Outcome.SKIPPED)

    def first_exercises(self, count: int) -> tuple[str, ...]:
        """The first `count` exercises of the open prompt (the simulator's `respond partial N`)."""
        open_prompt = self._plan.open
        return open_prompt.shown.exercises[:max(0, count)] if open_prompt else ()

    def continue_prompt_ids_after(self, highest: int) -> None:
        """Number new prompts after `highest` (the service continues an existing log)."""
        self._plan.next_prompt_id = max(self._plan.next_prompt_id, highest + 1)

    def pause(self, at: datetime, until: datetime | None, reason: str = "user") -> list[Event]:
        """No prompts until `until` (None: until resumed)."""
        self._plan.paused = True
        self._plan.paused_until = until
        return [Paused(at=at, until=until, reason=reason)]

    def resume(self, at: datetime, reason: str = "user") -> list[Event]:
        """Prompts may come again."""
        if not self._plan.paused:
            return []
        self._plan.paused = False
        self._plan.paused_until = None
        return [Resumed(at=at, reason=reason)]

    def break_now(self, at: datetime) -> list[Event]:
        """The user asked for a break now: prompt the break closest to due, whatever the timers.
        With a prompt already open, nothing new (the service shows the open one again)."""
        if self._plan.open is not None:
            return []
        self.programme = self.programme.on(at.date())
        candidates = self._progress(at)
        if not candidates:
            candidates = [(0.0, brk) for brk in self.programme.breaks]
        if self._safety.neck_paused(at):  # after a screening yes: movement breaks only
            candidates = [c for c in candidates if c[1].kind is BreakKind.MOVEMENT]
            if not candidates:
                return []
        _, brk = max(candidates, key=lambda pair: (pair[0], pair[1].kind is BreakKind.MOVEMENT))
        return self._show(at, brk, due_at=at, series=None, snoozes=0, requested=True)

    def checkin(self, at: datetime, question: str, value: int | str | Mapping[str, Any],
                prompt_id: int | None = None) -> list[Event]:
        """Record a symptom check-in answer: "neck" (0-10 after a break), "neck_before" (0-10
        before a guided break) or "headache" (a diary answer as a mapping, see
        core/diary.py, or an old one-word level). A worrying answer adds a ScreeningDue.
        Raises ValueError for an impossible answer."""
        exercises: tuple[str, ...] = ()
        if question == "headache" and isinstance(value, Mapping):
            entry = entry_from_answer(at, value)
            today = entry.day == at.date().isoformat()
            due = self._safety.after_headache(at, entry.intensity) if today else None
            diary: list[Event] = [entry]
            return diary + ([due] if due else [])
        if isinstance(value, Mapping):
            raise ValueError(f"a {question} check-in is a single answer")
        if question in ("neck", "neck_before"):
            if (not isinstance(value, int) or isinstance(value, bool)
                    or not 0 <= value <= MAX_NECK_SCORE):
                raise ValueError(f"neck score must be a whole number 0-{MAX_NECK_SCORE}")
            exercises = self._recent_exercises.get(prompt_id, ()) if prompt_id else ()
            due = self._safety.after_neck(at, value)
        elif question == "headache":
            if value not in HEADACHE_LEVELS:
                raise ValueError(f"headache must be one of {', '.join(HEADACHE_LEVELS)}")
            due = self._safety.after_headache(at, value)
        else:
            raise ValueError(f"unknown check-in question {question!r}")
        answered: list[Event] = [CheckinAnswered(at=at, question=question, value=value,
                                                 prompt=prompt_id, exercises=exercises)]
        return answered + ([due] if due else [])

    def screening(self, at: datetime, answers: Mapping[str, bool],
                  trigger: str | None = None) -> list[Event]:
        """The red-flag questions were answered (question id -> yes). Any yes pauses neck
        (micro) prompts until the end of the day; movement breaks go on. Raises ValueError for
        unknown question ids."""
        screening, advice = self._safety.answered(at, answers, trigger)
        return [screening, advice]

    def pause_neck_prompts(self, until: datetime) -> None:
        """Keep neck (micro) prompts paused until `until`: the service restores a safety pause
        from today's log after a restart."""
        current = self._safety.neck_paused_until
        self._safety.neck_paused_until = max(until, current) if current else until

    @property
    def screening_pending(self) -> str | None:
        """The trigger of screening questions asked and not answered yet (None: none)."""
        return self._safety.trigger.value if self._safety.trigger else None

    def neck_prompts_paused_until(self, now: datetime) -> datetime | None:
        """The end of the safety pause of neck prompts, when one is in force at `now`."""
        return self._safety.neck_paused_until if self._safety.neck_paused(now) else None

    def replace_programme(self, programme: Programme, at: datetime, path: str) -> list[Event]:
        """Bring a new programme into force, keeping the sitting state and timers that still apply."""
        names = {brk.name for brk in programme.breaks}
        self.programme = programme.on(at.date())
        self.rules = SittingRules(programme.settings.natural_break_seconds,
                                  self.rules.poll_seconds)
        for table in (self._plan.anchors, self._plan.rotation, self._plan.snoozed):
            for name in [n for n in table if n not in names]:
                del table[name]
        open_prompt = self._plan.open
        if open_prompt is not None and open_prompt.brk.name in names:
            open_prompt.brk = self.programme.break_named(open_prompt.brk.name)
        return [ProgrammeLoaded(at=at, title=programme.title,
                                programme_hash=programme.content_hash, path=path)]

    # -- queries ------------------------------------------------------------------------------

    @property
    def open_prompt(self) -> OpenPrompt | None:
        return self._plan.open

    @property
    def last_prompt_id(self) -> int | None:
        """The most recent prompt shown, open or not (a neck check-in refers to it)."""
        return self._plan.next_prompt_id - 1 if self._recent_exercises else None

    def status(self, now: datetime) -> Status:
        """What the tray and `deskbreak status` show."""
        plan = self._plan
        next_name: str | None = None
        next_in: float | None = None
        if self.sitting.presence is Presence.SITTING:
            for brk in self.programme.breaks:
                remaining = brk.every_seconds - self._sat_for(brk, now)
                snoozed = plan.snoozed.get(brk.name)
                if snoozed is not None:
                    remaining = (snoozed.until - now).total_seconds()
                if next_in is None or remaining < next_in:
                    next_name, next_in = brk.name, max(0.0, remaining)
        return Status(
            presence=self.sitting.presence,
            sitting_seconds=self.sitting.sitting_seconds(now),
            paused=plan.paused,
            paused_until=plan.paused_until,
            next_break=next_name,
            next_break_in_seconds=next_in,
            open_prompt=plan.open.shown.prompt if plan.open else None,
            open_break=plan.open.brk.name if plan.open else None,
            in_working_hours=self.programme.settings.working_hours.contains(now),
            programme_title=self.programme.title,
        )

    def prompt_may_be_due(self, now: datetime) -> bool:
        """True when the next tick at `now` could show a prompt (callers then check fullscreen)."""
        plan = self._plan
        if plan.open is not None or not self._may_prompt(now):
            return False
        for brk in self.programme.breaks:
            if not self._break_may_show(brk, now):
                continue
            snoozed = plan.snoozed.get(brk.name)
            if snoozed is not None and now >= snoozed.until:
                return True
            if snoozed is None and self._sat_for(brk, now) >= brk.every_seconds:
                return True
        return False

    def exercises_for(self, prompt: PromptShown) -> list[Exercise]:
        """The exercises a prompt asks for, with the dose in force that day."""
        by_id = self.programme.exercises_on(prompt.at.date())
        return [by_id[e] for e in prompt.exercises if e in by_id]

    # -- planner internals --------------------------------------------------------------------

    def _sat_for(self, brk: Break, now: datetime) -> float:
        """Sitting seconds that count toward `brk`: since the bout start or its timer's restart."""
        start = self.sitting.bout_start
        if start is None or self.sitting.presence is not Presence.SITTING:
            return 0.0
        anchor = self._plan.anchors.get(brk.name)
        if anchor is not None and anchor > start:
            start = anchor
        return max(0.0, (now - start).total_seconds())

    def _progress(self, now: datetime) -> list[tuple[float, Break]]:
        return [(self._sat_for(brk, now) / brk.every_seconds, brk)
                for brk in self.programme.breaks if self.sitting.bout_start is not None]

    def _may_prompt(self, now: datetime) -> bool:
        return (self.sitting.presence is Presence.SITTING
                and not self._plan.paused
                and self.programme.settings.working_hours.contains(now))

    def _break_may_show(self, brk: Break, now: datetime) -> bool:
        """Whether prompts of `brk` in particular may be shown now. `_may_prompt` holds every
        break (away, paused, outside working hours); this is the place for holds on one kind
        of break: neck (micro) prompts are paused for the day after a screening yes, while
        movement breaks go on."""
        return not (brk.kind is BreakKind.MICRO and self._safety.neck_paused(now))

    def _clock_set_back(self, now: datetime) -> list[Event]:
        """The wall clock went back: timers anchored in what is now the future would keep every
        prompt away until the clock caught up. The open prompt ends (missed, at the moment it
        was shown: no negative duration) and the timers restart from now."""
        events: list[Event] = []
        if self._plan.open is not None:
            events = self._close(self._plan.open.shown.at, Outcome.MISSED, noticed=now)
        self._plan.anchors.clear()
        self._plan.snoozed.clear()
        self._plan.quiet_until = None
        self._plan.deferred_since = None
        return events

    def _expire_pause(self, now: datetime) -> list[Event]:
        until = self._plan.paused_until
        if self._plan.paused and until is not None and now >= until:
            return self.resume(now, reason="pause ended")
        return []

    def _track_open_prompt(self, now: datetime, input_before: datetime | None,
                           sample_before: datetime | None) -> list[Event]:
        """Measure the longest stretch without input since the prompt was shown, then close the
        prompt as taken or missed once its answer window is over.

        A stretch ends at the first input after it. A suspend has no samples and no input, so
        it lies inside a stretch: the user was away.
        """
        open_prompt = self._plan.open
        if open_prompt is None:
            return []
        shown_at, deadline = open_prompt.shown.at, open_prompt.deadline
        last_input = self.sitting.last_input or shown_at
        start = max(input_before or shown_at, shown_at)
        if input_before is not None and last_input > input_before:
            # Input came back since the previous sample: the stretch ended between the two
            # samples. Count it up to the previous sample (never more than really seen), or up
            # to the input that woke the machine when it slept in between.
            slept = sample_before is not None and (
                (now - sample_before).total_seconds() > self.rules.suspend_gap_seconds)
            end = last_input if slept else max(start, sample_before or start)
            returned: datetime | None = last_input
        else:
            end, returned = now, None
        length = (min(end, deadline) - start).total_seconds()
        if length > open_prompt.longest_away:
            open_prompt.longest_away = length
            open_prompt.away_start = start
            open_prompt.returned_at = returned
        elif returned is not None and open_prompt.away_start == start:
            open_prompt.returned_at = returned
        if open_prompt.started_at is not None:
            # The user is doing the guided break: only its own answer closes it, unless the
            # window was lost long ago.
            limit = max(STARTED_BREAK_MIN_SECONDS,
                        STARTED_BREAK_LIMIT_FACTOR * open_prompt.brk.duration_seconds)
            if (now - open_prompt.started_at).total_seconds() < limit:
                return []
            return self._close(now, Outcome.STOPPED)
        if now < deadline:
            return []
        return self._close(deadline, self._unanswered_outcome(open_prompt), noticed=now)

    @staticmethod
    def _unanswered_outcome(open_prompt: OpenPrompt) -> Outcome:
        """How a prompt ends without an answer: a started break was stopped; otherwise taken if
        the user was away for the break's duration, else missed."""
        if open_prompt.started_at is not None:
            return Outcome.STOPPED
        got_up = open_prompt.longest_away >= open_prompt.brk.duration_seconds
        return Outcome.TAKEN if got_up else Outcome.MISSED

    def _close(self, at: datetime, outcome: Outcome, noticed: datetime | None = None,
               finished: tuple[str, ...] = (), reason: str | None = None) -> list[Event]:
        open_prompt = self._plan.open
        if open_prompt is None:  # pragma: no cover - callers check
            return []
        self._plan.open = None
        shown, brk = open_prompt.shown, open_prompt.brk
        events: list[Event] = [PromptOutcome(
            at=at, prompt=shown.prompt, series=shown.series, break_name=brk.name,
            kind=brk.kind.value, outcome=outcome, exercises=shown.exercises,
            finished=finished, stop_reason=reason)]
        noticed = noticed or at
        if outcome is not Outcome.SNOOZED:
            self._plan.snoozed.pop(brk.name, None)
        self._plan.quiet_until = at + timedelta(seconds=QUIET_AFTER_PROMPT_SECONDS)
        if outcome in (Outcome.DONE, Outcome.PARTIAL, Outcome.TAKEN):
            if brk.kind is BreakKind.MOVEMENT:
                if outcome is Outcome.TAKEN and open_prompt.away_start is not None:
                    # They got up at the start of the stretch and sat down again at the first
                    # input after it (if they are back): the bout splits there.
                    restart = (open_prompt.returned_at
                               if self.sitting.presence is Presence.SITTING else None)
                    self.sitting, bout_events = end_bout(
                        self.sitting, open_prompt.away_start, noticed, "movement break",
                        restart=restart)
                else:
                    self.sitting, bout_events = end_bout(self.sitting, at, noticed,
                                                         "movement break")
                events += bout_events
                self._plan.anchors.clear()
                self._plan.snoozed.clear()
            else:
                self._plan.anchors[brk.name] = at
        elif outcome in (Outcome.SKIPPED, Outcome.STOPPED, Outcome.MISSED):
            self._plan.anchors[brk.name] = at
            if brk.kind is BreakKind.MOVEMENT:
                # The user was just asked to move; a neck prompt seconds later would only nag.
                for other in self.programme.breaks:
                    if other.kind is BreakKind.MICRO:
                        self._plan.anchors[other.name] = max(at, self._plan.anchors.get(
                            other.name, at))
        return events

    def _maybe_prompt(self, now: datetime, busy: str | None) -> list[Event]:
        plan = self._plan
        if plan.open is not None or not self._may_prompt(now):
            return []
        due: list[tuple[int, float, int, Break, datetime, SnoozedBreak | None]] = []
        for order, brk in enumerate(self.programme.breaks):
            if not self._break_may_show(brk, now):
                continue
            snoozed = plan.snoozed.get(brk.name)
            if snoozed is not None:
                if now >= snoozed.until:
                    due.append((0, 0.0, order, brk, snoozed.until, snoozed))
                continue
            sat = self._sat_for(brk, now)
            if sat >= brk.every_seconds:
                due_at = now - timedelta(seconds=sat - brk.every_seconds)
                quiet = plan.quiet_until is not None and now < plan.quiet_until
                if not quiet:
                    due.append((0 if brk.kind is BreakKind.MOVEMENT else 1,
                                -sat / brk.every_seconds, order, brk, due_at, None))
        if not due:
            plan.deferred_since = None
            return []
        due.sort(key=lambda item: item[:3])
        _, _, _, brk, due_at, snoozed = due[0]
        if busy:
            limit = self.programme.settings.max_deferral_seconds
            if plan.deferred_since is None:
                plan.deferred_since = now
                return [PromptDeferred(at=now, break_name=brk.name, reason=busy)]
            if (now - plan.deferred_since).total_seconds() < limit:
                return []
        plan.deferred_since = None
        if snoozed is not None:
            del plan.snoozed[brk.name]
            return self._show(now, brk, due_at, series=snoozed.series, snoozes=snoozed.snoozes,
                              exercises=snoozed.exercises)
        return self._show(now, brk, due_at, series=None, snoozes=0)

    def _show(self, now: datetime, brk: Break, due_at: datetime, series: int | None,
              snoozes: int, exercises: tuple[str, ...] = (),
              requested: bool = False) -> list[Event]:
        plan = self._plan
        prompt_id = plan.next_prompt_id
        plan.next_prompt_id += 1
        by_id = self.programme.exercises_on(now.date())
        # A snoozed break brings back its own exercises (while the programme still has them).
        exercises = tuple(e for e in exercises if e in by_id and e in brk.exercise_ids)
        if not exercises:
            exercises = self._choose_exercises(brk, now.date())
        shown = PromptShown(
            at=now, prompt=prompt_id, series=series if series is not None else prompt_id,
            break_name=brk.name, kind=brk.kind.value, exercises=exercises,
            doses=tuple(by_id[e].dose() for e in exercises),
            sitting_seconds=int(self.sitting.sitting_seconds(now)), due_at=due_at,
            snoozes=snoozes, programme_title=self.programme.title,
            programme_hash=self.programme.content_hash, requested=requested)
        deadline = now + timedelta(seconds=self.programme.settings.respond_within_seconds)
        # The card travels with the event to the presenters: built here, where the break, the
        # day's doses and the snooze rule are known, and never fetched back.
        shown = replace(shown, card=make_card(
            prompt=prompt_id, series=shown.series, brk=brk,
            exercises=tuple(by_id[e] for e in exercises), snoozes=snoozes,
            sitting_seconds=shown.sitting_seconds, requested=requested,
            programme_title=self.programme.title, notes=self.programme.notes,
            neck_checkin=self.programme.settings.checkins.neck_after_break,
            shown_at=now, expires_at=deadline, sound=self.programme.settings.sound,
            neck_before=self.programme.settings.checkins.neck_before_break))
        plan.open = OpenPrompt(shown=shown, brk=brk, deadline=deadline)
        self._recent_exercises[prompt_id] = exercises
        if len(self._recent_exercises) > 64:  # only the latest prompts take check-ins
            del self._recent_exercises[min(self._recent_exercises)]
        return [shown]

    def _choose_exercises(self, brk: Break, day: date) -> tuple[str, ...]:
        """The next exercises in the break's rotation that fit its duration (at least one)."""
        by_id = self.programme.exercises_on(day)
        ids = brk.exercise_ids
        start = self._plan.rotation.get(brk.name, 0) % len(ids)
        chosen: list[str] = []
        total = 0.0
        for offset in range(len(ids)):
            exercise_id = ids[(start + offset) % len(ids)]
            if exercise_id in chosen:
                break
            cost = by_id[exercise_id].estimated_seconds()
            if brk.per_prompt is not None:
                if len(chosen) == brk.per_prompt:
                    break
            elif chosen and total + cost > brk.duration_seconds:
                break
            chosen.append(exercise_id)
            total += cost
        self._plan.rotation[brk.name] = (start + len(chosen)) % len(ids)
        return tuple(chosen)

    def headache_question_due(self, now: datetime) -> bool:
        """Whether today's headache question has come due (its time reached, in working hours)
        and has not been asked yet."""
        checkins = self.programme.settings.checkins
        hours = self.programme.settings.working_hours
        if not checkins.headache_daily or self._plan.headache_asked_on == now.date():
            return False
        ask_at = checkins.headache_at or _minus(hours.end, HEADACHE_QUESTION_BEFORE_END)
        return hours.contains(now) and now.time().replace(tzinfo=None) >= ask_at

    def headache_asked(self, day: date) -> None:
        """Today's headache question needs no asking any more: the service found it answered
        in the log after a restart, or asked it together with the earlier days."""
        self._plan.headache_asked_on = day

    def _maybe_ask_headache(self, now: datetime) -> list[Event]:
        if (self.headache_question_due(now) and self.sitting.presence is Presence.SITTING
                and self._plan.open is None):
            self._plan.headache_asked_on = now.date()
            return [CheckinDue(at=now, question="headache")]
        return []


def _minus(moment: time, delta: timedelta) -> time:
    full = datetime.combine(date(2000, 1, 3), moment) - delta
    return full.time()
