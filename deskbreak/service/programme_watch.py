"""The programme file and the saved state: notice edits, load them or keep the last good
programme, and remember a pause across restarts. Returns events; never calls back up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from deskbreak.core.events import ProgrammeRejected
from deskbreak.core.programme import Programme
from deskbreak.core.programme_file import ProgrammeInvalid
from deskbreak.errors import DeskbreakError
from deskbreak.service.runtime import file_stamp, read_json, write_private_json

#: Loads a programme file; raises DeskbreakError (ProgrammeInvalid listing every problem).
ProgrammeLoader = Callable[[Path], Programme]


@dataclass(frozen=True)
class LoadResult:
    """What reading the programme file gave: a programme to bring into force, or a rejection
    (the last good programme stays), and a line for whoever asked."""

    programme: Programme | None
    rejection: ProgrammeRejected | None
    message: str
    #: The file's earlier problems are gone though the programme in force did not change.
    fixed: bool = False


class ProgrammeWatcher:
    """Watches one programme file. Engine thread only."""

    def __init__(self, path: Path, load: ProgrammeLoader,
                 startup_rejection: ProgrammeRejected | None = None) -> None:
        self.path = path
        self._load = load
        self._stamp = file_stamp(path)
        #: The problems of the file on disk, while it is refused (reported by `status`).
        self.problems: list[str] = list(startup_rejection.problems) if startup_rejection else []

    def changed(self) -> bool:
        """True once after each edit of the file (cheap: one stat)."""
        stamp = file_stamp(self.path)
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        return True

    def load(self, now: datetime, current_hash: str, forced: bool) -> LoadResult:
        """Read the file. Unchanged content gives nothing new unless `forced`."""
        try:
            programme = self._load(self.path)
        except DeskbreakError as error:
            # A broken file (every problem, one per line) or an unreadable one: keep the
            # programme in force, record why, and tell whoever asked.
            problems = error.lines() if isinstance(error, ProgrammeInvalid) else [str(error)]
            self.problems = problems
            message = "the programme has problems; keeping the previous one:\n" + "\n".join(
                problems)
            return LoadResult(None, ProgrammeRejected(at=now, path=str(self.path),
                                                      problems=tuple(problems)), message)
        if not forced and programme.content_hash == current_hash:
            if self.problems:
                # The same programme as in force, but the file was broken in between: it is
                # good again, so its old problems must no longer be reported.
                self.problems = []
                return LoadResult(None, None, f"fixed: {programme.title!r} is in force again",
                                  fixed=True)
            return LoadResult(None, None, "unchanged")
        self.problems = []
        return LoadResult(programme, None, f"loaded {programme.title!r}")


@dataclass(frozen=True)
class SavedState:
    """What outlives a restart: a pause, and the problems of a refused programme file."""

    paused: bool = False
    paused_until: datetime | None = None
    programme_problems: tuple[str, ...] = ()

    def save(self, path: Path) -> None:
        write_private_json(path, {
            "paused": self.paused,
            "paused_until": self.paused_until.isoformat() if self.paused_until else None,
            "programme_problems": list(self.programme_problems),
        })

    @classmethod
    def load(cls, path: Path) -> SavedState:
        """The saved state; an empty one when the file is missing or unreadable."""
        data = read_json(path) or {}
        until = data.get("paused_until")
        try:
            until_at = datetime.fromisoformat(until) if isinstance(until, str) else None
        except ValueError:
            until_at = None
        problems = data.get("programme_problems") or []
        return cls(paused=bool(data.get("paused")), paused_until=until_at,
                   programme_problems=tuple(str(p) for p in problems))
