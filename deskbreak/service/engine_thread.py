"""The engine thread: the one thread that owns the engine, the store and the OS readers.

Every other thread reaches them by posting work here: `post` (a job, with a future for its
result), `call` (post and wait), or `deliver` (what a user did, as data, handed to the receiver
given to `start`). `LatestOnly` is the opposite direction: the engine thread hands the newest
value to a slower consumer (the tray) and never waits for it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from time import monotonic
from typing import Any, Generic, TypeVar

from deskbreak.core.commands import Command, CommandError, parse_command
from deskbreak.errors import DeskbreakError
from deskbreak.ui.prompt_protocol import WindowMessage

log = logging.getLogger(__name__)
T = TypeVar("T")
V = TypeVar("V")

#: How long a control request waits for the engine thread: less than the client's 2 s, so a
#: busy engine gives a clear "busy" answer instead of a client-side timeout.
CONTROL_TIMEOUT_SECONDS = 1.5
#: An engine job slower than this is logged: prompts and answers queue up behind it.
SLOW_JOB_SECONDS = 0.5


@dataclass(frozen=True)
class CommandDelivery:
    """A command from a surface that does not wait for the reply (tray, console, notification)."""

    command: Command
    surface: str


@dataclass(frozen=True)
class WindowDelivery:
    """A message line from a window (`prompt_id` None: not about a prompt)."""

    prompt_id: int | None
    message: WindowMessage


Delivery = CommandDelivery | WindowDelivery


class _Stop(Exception):
    """Raised inside the engine thread's loop to end it."""


class EngineThread:
    """A job queue served by one thread. Build it, `start(receive)`, `post`/`call`/`deliver`
    from any thread, `stop()` once."""

    def __init__(self, name: str = "engine") -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any] | None]] = (
            queue.SimpleQueue())
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._receive: Callable[[Delivery], None] | None = None

    def start(self, receive: Callable[[Delivery], None]) -> None:
        """Start serving; deliveries go to `receive`, on this thread."""
        self._receive = receive
        self._thread.start()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def on_engine_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def post(self, job: Callable[[], T]) -> Future[T]:
        """Run `job` on the engine thread; the future gets its result or exception."""
        future: Future[T] = Future()
        self._jobs.put((job, future))
        return future

    def call(self, job: Callable[[], T], timeout: float = CONTROL_TIMEOUT_SECONDS) -> T:
        """Run `job` on the engine thread and wait for its result (TimeoutError when busy)."""
        return self.post(job).result(timeout=timeout)

    def deliver(self, delivery: Delivery) -> None:
        """Hand what a user did to the receiver, on the engine thread; returns at once."""
        self._jobs.put((lambda: self._hand_over(delivery), None))

    def stop(self, timeout: float = 10) -> None:
        """End the loop after the jobs already queued."""
        if self._thread.is_alive():
            self.call(self._raise_stop, timeout=timeout)

    def _hand_over(self, delivery: Delivery) -> None:
        if self._receive is not None:
            self._receive(delivery)

    @staticmethod
    def _raise_stop() -> None:
        raise _Stop

    def _loop(self) -> None:
        while True:
            job, future = self._jobs.get()
            started = monotonic()
            try:
                result = job()
            except _Stop:
                if future is not None:
                    future.set_result(None)
                return
            except DeskbreakError as error:  # expected, and reported by whoever waits for it
                log.warning("%s", error)
                if future is not None:
                    future.set_exception(error)
                continue
            except Exception as error:  # a bug: one bad job must not end the service
                log.exception("engine job failed")
                if future is not None:
                    future.set_exception(error)
                continue
            finally:
                took = monotonic() - started
                if took > SLOW_JOB_SECONDS:
                    # Everything else waits meanwhile: a slow bus or X server shows up here.
                    log.warning("engine job %s took %.2f s", getattr(job, "__name__", job), took)
            if future is not None:
                future.set_result(result)


class Mailbox:
    """The `Inbox` port over an engine thread: presenters, the tray and the console drop what
    the user did here, from any thread."""

    def __init__(self, engine: EngineThread) -> None:
        self._engine = engine

    def command(self, command: Command, surface: str) -> None:
        self._engine.deliver(CommandDelivery(command, surface))

    def window_message(self, prompt_id: int | None, message: WindowMessage) -> None:
        self._engine.deliver(WindowDelivery(prompt_id, message))

    def words(self, text: str, surface: str) -> None:
        """A command written as words (the tray menu's entries); unknown words are logged."""
        try:
            command = parse_command(text)
        except CommandError as error:
            log.warning("%s: %s", surface, error)
            return
        self.command(command, surface)


class LatestOnly(Generic[V]):
    """Hands the newest value to one consumer thread; the producer never waits.

    The engine thread puts tray views here; a separate thread applies them to the tray. A slow
    or stuck GUI toolkit then delays only the icon, never prompts, answers or the log, and views
    that arrive while one is being applied collapse into the newest.
    """

    def __init__(self, consume: Callable[[V], None], name: str) -> None:
        self._consume = consume
        self._value: V | None = None
        self._has_value = False
        self._condition = threading.Condition()
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def put(self, value: V) -> None:
        with self._condition:
            self._value, self._has_value = value, True
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._has_value:
                    self._condition.wait()
                value, self._has_value = self._value, False
            try:
                if value is not None:
                    self._consume(value)
            except Exception:
                log.exception("%s failed", threading.current_thread().name)
