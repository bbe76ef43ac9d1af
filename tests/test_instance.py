"""The one-instance-per-user lock, held by real processes."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskbreak.errors import DeskbreakError
from deskbreak.instance import AlreadyRunning, InstanceLock
from deskbreak.paths import user_paths

REPO = Path(__file__).resolve().parent.parent

HOLDER = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from deskbreak.instance import InstanceLock\n"
    "lock = InstanceLock(Path(sys.argv[1]))\n"
    "lock.acquire()\n"
    "print('locked', flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.fixture
def lock_path() -> Path:
    return user_paths().instance_lock


@pytest.fixture
def holder(lock_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock, as a running service would."""
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock_path)],
                             stdout=subprocess.PIPE, text=True, cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        yield child
    finally:
        child.kill()
        child.wait(10)


def test_a_second_instance_in_another_process_is_refused_with_the_holders_pid(holder, lock_path):
    with pytest.raises(AlreadyRunning) as caught:
        InstanceLock(lock_path).acquire()
    assert caught.value.pid == holder.pid
    assert f"PID {holder.pid}" in str(caught.value)
    assert isinstance(caught.value, DeskbreakError)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_after_kill_9_of_the_holder_the_lock_can_be_taken_at_once(holder, lock_path):
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    with InstanceLock(lock_path) as lock:
        assert lock.held
        assert lock_path.read_text().strip() == str(os.getpid())


def test_a_second_lock_in_the_same_process_is_refused(lock_path):
    with InstanceLock(lock_path):
        with pytest.raises(AlreadyRunning) as caught:
            InstanceLock(lock_path).acquire()
        assert caught.value.pid == os.getpid()


def test_leaving_the_context_releases_the_lock_for_the_next_start(lock_path):
    with InstanceLock(lock_path) as first:
        assert first.held
    assert not first.held
    with InstanceLock(lock_path) as second:
        assert second.held


def test_the_lock_file_is_private_and_names_the_holder(lock_path):
    with InstanceLock(lock_path):
        assert stat.S_IMODE(lock_path.stat().st_mode) == 0o600
        assert stat.S_IMODE(lock_path.parent.stat().st_mode) == 0o700
        assert lock_path.read_text() == f"{os.getpid()}\n"


def test_a_loose_lock_file_from_an_older_install_is_made_private(lock_path):
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path.write_text("")
    os.chmod(lock_path, 0o644)
    with InstanceLock(lock_path):
        assert stat.S_IMODE(lock_path.stat().st_mode) == 0o600


def test_a_stale_pid_in_an_unlocked_file_does_not_block_the_start(lock_path):
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path.write_text("999999\n")  # written by a holder that died; nobody holds the lock
    with InstanceLock(lock_path):
        assert lock_path.read_text() == f"{os.getpid()}\n"
