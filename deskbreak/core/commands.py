"""The user's commands: one vocabulary for the control socket, the tray menu, the console
letters and the command line.

Every surface turns what it received into a `Command` with the same builder, so a command is
spelled and checked in one place:

    parse_command("pause 30m")                       tray menu entries, typed words
    parse_console("p 30m")                           console letters (and whole words)
    command_from_request({"command": "pause", "args": {"for": "30m"}})   control socket
    Command(Verb.PAUSE, pause_for="30m").request()   what the CLI sends over the socket

The service answers every command with a `Reply` (built in one place, its dispatcher).
Adding a command is one `CommandSpec` in `COMMANDS` plus its handler in the dispatcher;
tests/test_commands.py proves every surface knows every command. Pure: no I/O, no clock.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from deskbreak.core.events import HEADACHE_LEVELS, Answer
from deskbreak.core.units import parse_duration
from deskbreak.errors import DeskbreakError


class Verb(enum.Enum):
    """What the user asks the service to do; the value is the word on every surface."""

    #: What the service sees now.
    STATUS = "status"
    #: No prompts for a while (`pause_for`: a duration, "today", or None: until resumed).
    PAUSE = "pause"
    #: Prompts may come again.
    RESUME = "resume"
    #: Show a break now, or show the open prompt again.
    BREAK_NOW = "break-now"
    #: Answer the open prompt: done.
    DONE = "done"
    #: Answer the open prompt: snooze.
    SNOOZE = "snooze"
    #: Answer the open prompt: skip.
    SKIP = "skip"
    #: Re-read the programme file now.
    RELOAD = "reload"
    #: Record a symptom check-in (`question`, `value`).
    CHECKIN = "checkin"
    #: Today's summary, in a line or two.
    SUMMARY = "summary"
    #: Open the two-week HTML report in the browser.
    OPEN_REPORT = "open-report"
    #: Stop the service.
    QUIT = "quit"


class CommandError(DeskbreakError):
    """A command that cannot be understood; the message says what would be."""


@dataclass(frozen=True)
class CommandSpec:
    """How one verb is offered: its help line and its console letter."""

    verb: Verb
    help: str
    letter: str


#: Every command, in the order help lists them.
COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(Verb.STATUS, "what the running service sees now", "?"),
    CommandSpec(Verb.PAUSE, "no prompts for a while: 30m, 1h, today", "p"),
    CommandSpec(Verb.RESUME, "let prompts come again", "r"),
    CommandSpec(Verb.BREAK_NOW, "start a break now (or show the open prompt again)", "b"),
    CommandSpec(Verb.DONE, "answer the open prompt: done", "d"),
    CommandSpec(Verb.SNOOZE, "answer the open prompt: snooze", "s"),
    CommandSpec(Verb.SKIP, "answer the open prompt: skip", "k"),
    CommandSpec(Verb.RELOAD, "re-read the programme file now", "l"),
    CommandSpec(Verb.CHECKIN, "record a symptom check-in now", "c"),
    CommandSpec(Verb.SUMMARY, "today's breaks and sitting, in short", "t"),
    CommandSpec(Verb.OPEN_REPORT, "open the two-week report in the browser", "o"),
    CommandSpec(Verb.QUIT, "stop the running service", "q"),
)
SPECS: dict[Verb, CommandSpec] = {spec.verb: spec for spec in COMMANDS}
_BY_WORD: dict[str, Verb] = {verb.value: verb for verb in Verb}
_BY_LETTER: dict[str, Verb] = {spec.letter: spec.verb for spec in COMMANDS}
#: Older words still understood (the tray menu said "report" before "open-report" existed).
_ALIASES: dict[str, Verb] = {"report": Verb.OPEN_REPORT}
#: The console's `p` alone pauses for this long (on the CLI, `pause` alone means until resumed).
CONSOLE_PAUSE_DEFAULT = "30m"
#: Pause words that are not durations.
PAUSE_WORDS = ("today", "indefinitely")
ANSWER_VERBS: dict[Verb, Answer] = {Verb.DONE: Answer.DONE, Verb.SNOOZE: Answer.SNOOZE,
                                    Verb.SKIP: Answer.SKIP}
CHECKIN_QUESTIONS = ("neck", "headache")
MAX_NECK = 10


@dataclass(frozen=True)
class Command:
    """One checked command. Only the fields of its verb are set."""

    verb: Verb
    #: PAUSE: a duration ("30m"), "today", or None (until resumed).
    pause_for: str | None = None
    #: DONE/SNOOZE/SKIP: answer this prompt only if it is still the open one (None: whichever);
    #: BREAK_NOW: only bring back this prompt, never start a new one (the notification's click);
    #: CHECKIN: the prompt a neck score follows.
    prompt: int | None = None
    #: CHECKIN: "neck" (value 0-10) or "headache" (none/mild/moderate/severe).
    question: str | None = None
    value: int | str | None = None

    def words(self) -> str:
        """The command as words `parse_command` reads back (the tray menu sends these)."""
        parts = [self.verb.value]
        if self.verb is Verb.PAUSE and self.pause_for is not None:
            parts.append(self.pause_for)
        if self.verb is Verb.CHECKIN:
            parts += [str(self.question), str(self.value)]
        return " ".join(parts)

    def request(self) -> dict[str, Any]:
        """The control-socket request `command_from_request` reads back."""
        args: dict[str, Any] = {}
        if self.verb is Verb.PAUSE:
            args["for"] = self.pause_for
        elif (self.verb in ANSWER_VERBS or self.verb is Verb.BREAK_NOW) and (
                self.prompt is not None):
            args["prompt"] = self.prompt
        elif self.verb is Verb.CHECKIN:
            args = {"question": self.question, "value": self.value}
            if self.prompt is not None:
                args["prompt"] = self.prompt
        return {"command": self.verb.value, "args": args}


@dataclass(frozen=True)
class Reply:
    """The service's answer to a command, on every surface."""

    ok: bool
    message: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The control-socket response."""
        return {"ok": self.ok, "message": self.message, "data": dict(self.data)}


def parse_command(text: str) -> Command:
    """A command written as words ("pause 30m", "checkin neck 3", "done"). Raises
    CommandError naming the commands there are."""
    words = text.split()
    if not words:
        raise CommandError("no command given; " + _known())
    verb = _BY_WORD.get(words[0].lower()) or _ALIASES.get(words[0].lower())
    if verb is None:
        raise CommandError(f"unknown command {words[0]!r}; " + _known())
    return _build(verb, _word_args(verb, words[1:]))


def parse_console(line: str) -> Command:
    """A console line: a whole command ("pause 1h") or its letter ("p 1h", "d", "?"). The
    older `h LEVEL` records a headache check-in; `p` alone pauses for 30 minutes."""
    words = line.split()
    if not words:
        raise CommandError("no command given; " + console_help())
    first = words[0].lower()
    if first in _BY_WORD or first in _ALIASES:
        return parse_command(line)
    if first == "h":
        return _build(Verb.CHECKIN, _word_args(Verb.CHECKIN, ["headache", *words[1:]]))
    verb = _BY_LETTER.get(first)
    if verb is None:
        raise CommandError(f"unknown command {words[0]!r}; " + console_help())
    rest = words[1:]
    if verb is Verb.PAUSE and not rest:
        rest = [CONSOLE_PAUSE_DEFAULT]
    return _build(verb, _word_args(verb, rest))


def command_from_request(command: object, args: object) -> Command:
    """A control-socket request ({"command": ..., "args": {...}}) as a Command."""
    if not isinstance(command, str):
        raise CommandError("the request names no command")
    verb = _BY_WORD.get(command) or _ALIASES.get(command)
    if verb is None:
        raise CommandError(f"unknown command {command!r}; " + _known())
    if args is None:
        args = {}
    if not isinstance(args, Mapping):
        raise CommandError("the command's args must be an object")
    return _build(verb, args)


def console_help() -> str:
    """The one-line key for console letters."""
    return "type a letter and Enter: " + ", ".join(
        f"{spec.letter} {spec.verb.value}" for spec in COMMANDS)


def _known() -> str:
    return "known commands: " + ", ".join(verb.value for verb in Verb)


def _word_args(verb: Verb, rest: list[str]) -> dict[str, Any]:
    """Positional words as the named arguments of `verb`."""
    if verb is Verb.PAUSE:
        if len(rest) > 1:
            raise CommandError("pause takes one duration, e.g. 'pause 30m' or 'pause today'")
        return {"for": rest[0] if rest else None}
    if verb is Verb.CHECKIN:
        if len(rest) != 2:
            raise CommandError("write 'checkin neck 0-10' or 'checkin headache "
                               f"{'|'.join(HEADACHE_LEVELS)}'")
        value: int | str = int(rest[1]) if rest[1].isdigit() else rest[1]
        return {"question": rest[0], "value": value}
    if (verb in ANSWER_VERBS or verb is Verb.BREAK_NOW) and rest:
        if len(rest) != 1 or not rest[0].isdigit():
            raise CommandError(f"{verb.value} takes at most a prompt number")
        return {"prompt": int(rest[0])}
    if rest:
        raise CommandError(f"{verb.value} takes nothing after it")
    return {}


def _build(verb: Verb, args: Mapping[str, Any]) -> Command:
    """The one place a command's arguments are checked."""
    if verb is Verb.PAUSE:
        spec = args.get("for")
        if spec is not None and not isinstance(spec, str):
            raise CommandError("a pause is a duration such as 30m, or 'today'")
        return Command(verb, pause_for=check_pause(spec))
    prompt = args.get("prompt")
    if prompt is not None and (isinstance(prompt, bool) or not isinstance(prompt, int)):
        raise CommandError("the prompt is a whole number")
    if verb in ANSWER_VERBS or verb is Verb.BREAK_NOW:
        return Command(verb, prompt=prompt)
    if verb is Verb.CHECKIN:
        question, value = args.get("question"), args.get("value")
        if question == "neck":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NECK:
                raise CommandError(f"the neck score is a whole number from 0 to {MAX_NECK}")
        elif question == "headache":
            if value not in HEADACHE_LEVELS:
                raise CommandError(f"headache is one of {', '.join(HEADACHE_LEVELS)}")
        else:
            raise CommandError(f"check-in questions are {' and '.join(CHECKIN_QUESTIONS)}, "
                               f"not {question!r}")
        return Command(verb, question=question, value=value, prompt=prompt)
    return Command(verb)


def check_pause(spec: str | None) -> str | None:
    """`spec` if it is a pause length `pause_until` understands; raises CommandError."""
    if spec is None or spec == "":
        return None
    if spec in PAUSE_WORDS:
        return spec
    try:
        seconds = parse_duration(spec)
    except ValueError as error:
        raise CommandError(f"cannot pause for {spec!r}: {error}") from None
    if seconds <= 0:
        raise CommandError("a pause must be longer than 0")
    return spec
