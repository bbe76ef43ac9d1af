"""The store as one declared schema: the events table, the columns `_row` fills and the
migration SQL that fills them for older logs must never drift apart; one decoding table; one
complete Store protocol that both stores satisfy."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from test_report_sample_log import sample_log

import deskbreak.core.events as events_module
import deskbreak.store as store_module
from deskbreak.store import (
    _COLUMNS,
    SCHEMA_VERSION,
    MemoryStore,
    SqliteStore,
    Store,
    _row,
    encode_event,
    migrate,
    open_store,
)


def test_the_events_table_has_exactly_the_declared_columns(tmp_path: Path) -> None:
    store = open_store(tmp_path / "log.sqlite3")
    store.close()
    conn = sqlite3.connect(tmp_path / "log.sqlite3")
    table = tuple(row[1] for row in conn.execute("PRAGMA table_info(events)"))
    conn.close()
    assert table == ("id", *_COLUMNS)


def test_migrating_old_rows_fills_every_column_as_a_new_append_does(tmp_path: Path) -> None:
    """Drift check: rows written by schema v1 (body only) and migrated must equal the rows the
    current code appends, column by column, and so must the snooze-chain table."""
    log = sample_log()
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(old, isolation_level=None)
    migrate(conn, target=1)
    conn.executemany("INSERT INTO events (ts, kind, body) VALUES (?, ?, ?)",
                     [(e.at.timestamp(), e.KIND, encode_event(e)) for e in log])
    migrate(conn, target=SCHEMA_VERSION)
    new = open_store(tmp_path / "new.sqlite3")
    assert new.append_many(log)
    new.close()
    fresh = sqlite3.connect(tmp_path / "new.sqlite3")
    columns = ", ".join(_COLUMNS)
    migrated_rows = conn.execute(f"SELECT {columns} FROM events ORDER BY id").fetchall()
    appended_rows = fresh.execute(f"SELECT {columns} FROM events ORDER BY id").fetchall()
    assert migrated_rows == appended_rows == [_row(e) for e in log]
    assert (conn.execute("SELECT * FROM chains ORDER BY series").fetchall()
            == fresh.execute("SELECT * FROM chains ORDER BY series").fetchall())
    conn.close()
    fresh.close()


def test_there_is_one_event_decoding_table() -> None:
    # The store compiles events.py's table; it keeps none of its own.
    assert store_module._WIRE_NAMES is events_module._WIRE_NAMES
    assert store_module._DATETIME_FIELDS is events_module._DATETIME_FIELDS
    assert store_module._TUPLE_FIELDS is events_module._TUPLE_FIELDS
    for name in ("_WIRE", "_DATETIMES", "_TUPLES"):
        assert not hasattr(store_module, name)


def test_both_stores_have_every_member_of_the_protocol(tmp_path: Path) -> None:
    members = {name for name in vars(Store) if not name.startswith("_")}
    assert {"append", "append_many", "events", "flush", "pending_count", "last_error", "notice",
            "highest_prompt_id", "report_facts", "close"} <= members
    sqlite_store = open_store(tmp_path / "log.sqlite3")
    for store in (MemoryStore(), sqlite_store):
        missing = [name for name in members if not hasattr(store, name)]
        assert missing == [], (type(store).__name__, missing)
    sqlite_store.close()


@pytest.mark.skipif(shutil.which("mypy") is None and not (Path(sys.executable).parent /
                                                          "mypy").exists(), reason="needs mypy")
def test_both_stores_satisfy_the_protocol_under_mypy_strict(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from deskbreak.store import MemoryStore, SqliteStore, Store, open_store\n"
        "memory: Store = MemoryStore()\n"
        "sqlite: Store = open_store()\n"
        "def uses(store: Store) -> int:\n"
        "    return store.highest_prompt_id() + store.pending_count\n")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                             "--follow-imports=silent", str(probe)],
                            capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert SqliteStore and MemoryStore
