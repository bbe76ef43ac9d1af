"""One running service per user, enforced by an OS file lock.

The lock is an advisory lock held on an open file (`fcntl.flock` on POSIX, `msvcrt.locking` on
Windows), not the mere existence of a file: the kernel drops it when the holder's process dies,
however it dies (kill -9, crash, power loss), so a crash never blocks the next start and no
stale-PID guessing is needed. The holder writes its PID into the file so a second instance can
say who is running.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from deskbreak.errors import DeskbreakError

if TYPE_CHECKING:
    from typing_extensions import Self

log = logging.getLogger(__name__)

#: Windows locks are mandatory: a locked byte cannot even be read by others. So the lock sits on
#: a byte far past the PID, which stays readable. (Locking past the end of a file is allowed.)
_WINDOWS_LOCK_OFFSET = 1 << 20
#: How long a refused instance waits for the holder's PID to appear: the holder writes it just
#: after taking the lock, so a reader can briefly see an empty file.
_PID_WAIT = 0.2


class AlreadyRunning(DeskbreakError):
    """Another deskbreak service holds the instance lock."""

    def __init__(self, pid: int | None, path: Path) -> None:
        self.pid = pid
        self.path = path
        who = f" (PID {pid})" if pid is not None else ""
        super().__init__(f"deskbreak is already running{who}; "
                         "use `deskbreak quit` to stop it, or `deskbreak status`")


class InstanceLock:
    """Holds the per-user instance lock at `path` while in use (a context manager).

    `acquire()` never blocks: it takes the lock or raises AlreadyRunning with the holder's PID.
    The lock belongs to this object's open file, not to the thread or the process: a second
    InstanceLock on the same path, even in the same process, is refused. The file descriptor is
    not inherited by child processes (Python's default), so a child cannot keep the lock alive.
    The lock file (mode 0600) is left in place on release: deleting it would let a process that
    opened the old file and one that creates a new one both "hold" the lock.
    Threading: call acquire/release from one thread (the service's main thread).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock and record our PID; raises AlreadyRunning if another holder has it."""
        if self._fd is not None:
            raise DeskbreakError("the instance lock is already held by this object")
        from deskbreak.paths import ensure_private_dir

        try:
            ensure_private_dir(self.path.parent)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise DeskbreakError(_lock_file_problem(self.path, error)) from None
        try:
            if os.name == "posix":
                os.fchmod(fd, 0o600)  # a lock file from an older install may be looser
            if not _try_lock(fd):
                raise AlreadyRunning(_wait_for_pid(fd), self.path)
            try:
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            except OSError as error:
                # The PID only helps a second start name us; the lock itself is held. A full
                # disk must not stop the service here (the log keeps events until space returns).
                log.warning("took the instance lock %s but cannot write our PID into it: %s",
                            self.path, error.strerror)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        log.debug("took the instance lock %s", self.path)

    def release(self) -> None:
        """Give the lock up (idempotent). Closing the file releases it; the file stays."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # no PID left behind to mislead anyone reading the file
            _unlock(fd)
        except OSError as error:
            log.debug("while releasing the instance lock: %s", error)
        finally:
            os.close(fd)

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()


def _lock_file_problem(path: Path, error: OSError) -> str:
    """One true line for a lock file that cannot be created or opened."""
    import errno

    if error.errno == errno.ENOSPC:
        return f"cannot create the instance lock {path}: the disk is full; free some space"
    if error.errno in (errno.EACCES, errno.EPERM):
        return (f"cannot create the instance lock {path}: permission denied; check that the "
                f"folder {path.parent} is yours")
    if error.errno == errno.EROFS:
        return f"cannot create the instance lock {path}: the disk is mounted read-only"
    return f"cannot create the instance lock {path}: {error.strerror or error}"


def _try_lock(fd: int) -> bool:
    """Take an exclusive non-blocking lock on `fd`; False if another open file holds it."""
    if os.name == "nt":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    # flock, not fcntl/lockf: POSIX record locks belong to the process, so a second lock in
    # the same process would silently succeed, and closing ANY descriptor of the file drops them.
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if os.name == "nt":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _wait_for_pid(fd: int) -> int | None:
    """The PID the holder wrote, waiting briefly for it; None if it never appears."""
    deadline = time.monotonic() + _PID_WAIT
    while True:
        pid = _read_pid(fd)
        if pid is not None or time.monotonic() >= deadline:
            return pid
        time.sleep(0.02)


def _read_pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
