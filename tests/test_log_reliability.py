"""The compliance log under faults: read-only, deleted, replaced, damaged, unreadable, on a full
disk. Nothing acknowledged is lost, nothing is clobbered, every failure is one true line, and
`run`, `report` and `simulate --log` treat a damaged log alike."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli
from test_store import _cli, _unprivileged

from deskbreak.core.events import CheckinAnswered, Event
from deskbreak.errors import DeskbreakError
from deskbreak.instance import InstanceLock
from deskbreak.store import SCHEMA_VERSION, migrate, open_store

BASE = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
GENERAL = REPO / "config" / "programmes" / "desk-worker-general.yaml"
TRACE = """at,what
2026-03-02T08:00:00,active
2026-03-02T10:00:00,idle
2026-03-02T10:10:00,end
"""


def neck(minute: int) -> Event:
    return CheckinAnswered(BASE + timedelta(minutes=minute), "neck", minute % 11, minute)


# --- read-only, deleted, replaced while running ----------------------------------------------


def _read_only_then_writable(root: Path) -> dict[str, Any]:
    path = root / "log.sqlite3"
    open_store(path).close()
    path.chmod(0o444)
    store = open_store(path)
    result: dict[str, Any] = {"first": store.append(neck(1)), "second": store.append(neck(2))}
    result["pending"] = store.pending_count
    path.chmod(0o600)
    result["third"] = store.append(neck(3))
    result["pending_after"] = store.pending_count
    store.close()
    reader = open_store(path, read_only=True)
    result["stored"] = [e.at.minute for e in reader.events()]  # type: ignore[union-attr]
    reader.close()
    return result


def test_a_log_read_only_at_start_is_reopened_when_writable_and_nothing_is_lost(
        tmp_path: Path) -> None:
    result = _unprivileged(_read_only_then_writable, tmp_path)
    assert result["first"] is False  # not acknowledged while the file is read-only
    assert (result["third"], result["pending_after"]) == (True, 0)
    assert result["stored"] == [1, 2, 3]


def test_a_connection_stuck_read_only_is_reopened_once_the_file_is_writable(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = open_store(tmp_path / "log.sqlite3")
    # SQLite keeps a connection that opened a read-only file read-only for good; query_only
    # gives the same "attempt to write a readonly database" on this one connection.
    store._conn.execute("PRAGMA query_only = ON")
    assert store.append(neck(1)) is False and store.pending_count == 1
    with caplog.at_level(logging.WARNING, logger="deskbreak.store"):
        assert store.append(neck(2)) is True  # the file is writable: a fresh connection
    assert store.pending_count == 0 and "writable again" in caplog.text
    store.close()
    reader = open_store(tmp_path / "log.sqlite3", read_only=True)
    assert list(reader.events()) == [neck(1), neck(2)]
    reader.close()


def test_a_log_deleted_while_running_is_started_again_and_the_loss_is_logged(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "log.sqlite3"
    store = open_store(path)
    assert store.append(neck(1))
    for name in ("log.sqlite3", "log.sqlite3-wal", "log.sqlite3-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    with caplog.at_level(logging.WARNING, logger="deskbreak.store"):
        assert store.append(neck(2))
    store.close()
    assert "was deleted while deskbreak was running" in caplog.text
    assert store.notice is not None and "was deleted" in store.notice  # for `status`
    reader = open_store(path, read_only=True)
    assert list(reader.events()) == [neck(2)]
    reader.close()


def test_a_log_replaced_while_running_gets_the_new_events(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "log.sqlite3"
    store = open_store(path)
    assert store.append(neck(1))
    other = open_store(tmp_path / "restored.sqlite3")
    assert other.append(neck(0))
    other.close()
    os.replace(tmp_path / "restored.sqlite3", path)
    with caplog.at_level(logging.WARNING, logger="deskbreak.store"):
        assert store.append(neck(2))
    store.close()
    assert "was replaced while deskbreak was running" in caplog.text
    assert store.notice is not None and "was replaced" in store.notice
    reader = open_store(path, read_only=True)
    assert list(reader.events()) == [neck(0), neck(2)]
    reader.close()


# --- damaged: set aside, alike in run, report and simulate --log -----------------------------


def damaged_log(path: Path) -> bytes:
    store = open_store(path)
    store.append_many(neck(m) for m in range(50))
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE events SET body = '{not json' WHERE id = 7")
    conn.commit()
    conn.close()
    return path.read_bytes()


def aside_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".damaged-" in p.name
            and not p.name.endswith(("-wal", "-shm"))]


@pytest.mark.parametrize("command", ["report", "simulate"])
def test_a_damaged_log_is_set_aside_with_one_line_in_report_and_simulate(
        deskbreak_home: Path, tmp_path: Path, command: str) -> None:
    path = deskbreak_home / "data" / "compliance.sqlite3"
    path.parent.mkdir(parents=True, mode=0o700)
    content = damaged_log(path)
    if command == "report":
        result = run_cli("report", "--from", "2026-03-02", "--to", "2026-03-02")
    else:
        trace = tmp_path / "trace.csv"
        trace.write_text(TRACE)
        result = run_cli("simulate", "--programme", str(GENERAL), "--trace", str(trace),
                         "--log", str(path))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "damaged" in line]
    assert len(lines) == 1 and lines[0].startswith(f"deskbreak: the compliance log {path} was "
                                                   "damaged (1 event(s) are not valid JSON)")
    assert "49 event(s) that could still be read" in lines[0]
    assert "Traceback" not in result.stderr
    (aside,) = aside_files(path.parent)
    assert aside.read_bytes() == content
    reader = open_store(path, read_only=True)
    assert reader.notice is None and len([e for e in reader.events() if e.KIND == "checkin"]) == 49
    reader.close()


def test_run_sets_a_damaged_log_aside_and_says_so_in_one_line(deskbreak_home: Path) -> None:
    """`run` opens the log through the same function, and prints its notice; here the service's
    opener is called as `run` builds it (the rest of `run` needs a desktop)."""
    path = deskbreak_home / "data" / "compliance.sqlite3"
    path.parent.mkdir(parents=True, mode=0o700)
    damaged_log(path)
    result = subprocess.run(
        [sys.executable, "-c",
         "import argparse, sys\n"
         "from deskbreak.commands.service import build_service\n"
         "from deskbreak.paths import user_paths\n"
         f"args = argparse.Namespace(programme={str(GENERAL)!r}, speed=1.0, poll=5.0,\n"
         "    console=True, idle_source=None, no_windows=True)\n"
         "from pathlib import Path\n"
         "args.programme = Path(args.programme)\n"
         "from deskbreak.service.engine_thread import EngineThread, Mailbox\n"
         "engine = EngineThread()\n"
         "service = build_service(args, user_paths(), engine, Mailbox(engine), tray=None,\n"
         "                        console=True)\n"
         "service.app.open_log()\n"
         "service.app.store.close()\n"],
        capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"deskbreak: the compliance log {path} was "
                                                   "damaged"), result.stderr
    assert len(aside_files(path.parent)) == 1


# --- read-only open never writes -------------------------------------------------------------


def test_reading_an_older_log_never_writes_to_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    conn.executemany("INSERT INTO events (ts, kind, body) VALUES (?, ?, ?)",
                     [(e.at.timestamp(), e.KIND, _body(e)) for e in map(neck, range(5))])
    conn.close()
    before = path.read_bytes()
    store = open_store(path, read_only=True)
    try:
        assert list(store.events()) == [neck(m) for m in range(5)]
        from deskbreak.core.compliance import Period, facts_from_events

        period = Period(BASE.date(), BASE.date())
        facts = store.report_facts(period)  # the SQL of the current schema, on the copy
        assert facts == facts_from_events(store.events(), period) and facts.neck_days
    finally:
        store.close()
    assert path.read_bytes() == before
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == 1 < SCHEMA_VERSION
    check.close()


def _body(event: Event) -> str:
    from deskbreak.store import encode_event

    return encode_event(event)


# --- true messages: mode 0000, unreachable folder, full disk ---------------------------------


def _unreadable_scenario(root: Path) -> dict[str, Any]:
    result: dict[str, Any] = {}
    path = root / "log.sqlite3"
    open_store(path).close()
    path.chmod(0o000)
    for read_only in (False, True):
        try:
            open_store(path, read_only=read_only)
        except DeskbreakError as error:
            result[f"file {read_only}"] = str(error)
    folder = root / "closed"
    folder.mkdir()
    open_store(folder / "log.sqlite3").close()
    folder.chmod(0o000)
    result["report"] = _cli("report", "--log", str(folder / "log.sqlite3"))
    try:
        open_store(folder / "log.sqlite3")
    except DeskbreakError as error:
        result["folder"] = str(error)
    return result


def test_a_log_at_mode_0000_and_a_closed_folder_get_their_own_true_messages(
        tmp_path: Path) -> None:
    result = _unprivileged(_unreadable_scenario, tmp_path)
    for read_only in (False, True):
        message = result[f"file {read_only}"]
        assert "permission denied (its mode is 0000)" in message and "chmod 600" in message
        assert "damaged" not in message and "\n" not in message
    code, out, err = result["report"]
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "cannot reach the folder" in err and "permission denied" in err
    assert "cannot reach the folder" in result["folder"] and "damaged" not in result["folder"]


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real, full file system: a small tmpfs filled to the last block (needs root)."""
    mount = tmp_path / f"full-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
            capture_output=True).returncode != 0:
        pytest.skip("needs root and tmpfs to make a full disk")
    try:
        (mount / "data").mkdir()
        (mount / "data" / "existing.sqlite3").write_bytes(b"")
        open_store(mount / "data" / "existing.sqlite3").close()
        fill(mount)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_at_start_gives_its_own_message_not_damaged_or_a_traceback(
        full_disk: Path) -> None:
    with pytest.raises(DeskbreakError) as caught:
        open_store(full_disk / "data" / "log.sqlite3")
    assert "disk is full" in str(caught.value) and "damaged" not in str(caught.value)
    lock = InstanceLock(full_disk / "lock")
    try:
        lock.acquire()  # either held (the PID write may fail) or one true line
    except DeskbreakError as error:
        assert "disk is full" in str(error)
    finally:
        lock.release()


def fill(mount: Path) -> None:
    """Write zeros until the file system refuses (unbuffered: the refusal comes at write)."""
    fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def test_simulate_onto_a_full_disk_at_start_is_one_true_line(full_disk: Path,
                                                              tmp_path: Path) -> None:
    trace = tmp_path / "trace.csv"
    trace.write_text(TRACE)
    log = full_disk / "data" / "existing.sqlite3"
    result = run_cli("simulate", "--programme", str(GENERAL), "--trace", str(trace),
                     "--log", str(log))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "disk is full" in result.stderr and "damaged" not in result.stderr


def test_simulate_that_cannot_store_its_events_fails_and_says_how_many_were_lost(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import deskbreak.store as store_module

    real_connect = store_module._connect_writable

    def connect_then_fill(path: Path) -> tuple[sqlite3.Connection, str | None]:
        conn, notice = real_connect(path)
        # The test plays the disk filling up right after the open: SQLite's page limit gives
        # the real SQLITE_FULL on every later write.
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn, notice

    monkeypatch.setattr(store_module, "_connect_writable", connect_then_fill)
    trace = tmp_path / "trace.csv"
    trace.write_text("at,what\n2026-03-02T08:00:00,active\n2026-03-02T18:00:00,end\n")
    log = tmp_path / "log.sqlite3"
    code, out, err = _cli("simulate", "--programme", str(GENERAL), "--trace", str(trace),
                          "--log", str(log))
    assert code == 1 and err.count("\n") == 1
    lost = int(err.split("deskbreak: ")[1].split(" ")[0])
    assert 0 < lost <= len(out.splitlines())  # the ones that fitted before the disk filled
    assert f"{lost} event(s) could not be written to {log} (the disk is full)" in err
