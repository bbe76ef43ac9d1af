"""The compliance log: contract tests for every Store, then what only the SQLite store promises
(durability under kill -9, migrations, private files, read-only and full disks, damaged files)."""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import fields
from datetime import date, datetime, timedelta, timezone
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_report_sample_log import sample_log

from deskbreak.core.compliance import Period, summarise, summarise_facts
from deskbreak.core.events import (
    EVENT_TYPES,
    HEADACHE_LEVELS,
    BoutEnded,
    BoutStarted,
    CheckinAnswered,
    Event,
    Outcome,
    ProgrammeLoaded,
    PromptOutcome,
    event_from_json,
    event_to_json,
)
from deskbreak.errors import DeskbreakError
from deskbreak.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    MemoryStore,
    SqliteStore,
    Store,
    decode_event,
    encode_event,
    migrate,
    open_store,
)

REPO = Path(__file__).resolve().parent.parent
UTC = timezone.utc
BASE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def neck(minute: int, value: int = 3) -> CheckinAnswered:
    return CheckinAnswered(BASE + timedelta(minutes=minute), "neck", value, minute, ("chin-tuck",))


# --- the contract, for every implementation ------------------------------------------------------

StoreFactory = Callable[[], Store]


@pytest.fixture(params=["memory", "sqlite"])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    opened: list[Store] = []

    def make() -> Store:
        store: Store = MemoryStore() if request.param == "memory" else open_store(
            tmp_path / f"log{len(opened)}.sqlite3")
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


def test_every_event_type_comes_back_equal(new_store: StoreFactory) -> None:
    store = new_store()
    log = sample_log()
    for event in log:
        assert store.append(event) is True
    assert list(store.events()) == log
    assert store.pending_count == 0


def test_events_come_back_in_time_order_whatever_the_append_order(new_store: StoreFactory) -> None:
    store = new_store()
    events = [neck(m) for m in (30, 10, 20, 0)]
    store.append_many(events[:2])
    store.append_many(events[2:])
    assert [e.at.minute for e in store.events()] == [0, 10, 20, 30]


def test_events_at_the_same_instant_keep_their_append_order(new_store: StoreFactory) -> None:
    store = new_store()
    same = [BoutStarted(BASE), neck(0, 1), neck(0, 2), BoutStarted(BASE)]
    for event in same:
        store.append(event)
    assert list(store.events()) == same


def test_since_is_inclusive_and_until_exclusive(new_store: StoreFactory) -> None:
    store = new_store()
    store.append_many(neck(m) for m in range(10))
    got = list(store.events(BASE + timedelta(minutes=3), BASE + timedelta(minutes=6)))
    assert [e.at.minute for e in got] == [3, 4, 5]
    assert len(list(store.events(since=BASE + timedelta(minutes=8)))) == 2
    assert len(list(store.events(until=BASE + timedelta(minutes=2)))) == 2


def test_bounds_compare_instants_across_time_zones(new_store: StoreFactory) -> None:
    store = new_store()
    store.append(neck(0))  # 09:00 UTC
    plus_two = timezone(timedelta(hours=2))
    assert len(list(store.events(since=datetime(2026, 3, 2, 11, 0, tzinfo=plus_two)))) == 1
    assert len(list(store.events(until=datetime(2026, 3, 2, 11, 0, tzinfo=plus_two)))) == 0


def test_kinds_selects_event_types(new_store: StoreFactory) -> None:
    store = new_store()
    store.append_many(sample_log())
    kinds = {e.KIND for e in store.events(kinds=("bout", "checkin"))}
    assert kinds == {"bout", "checkin"}
    assert list(store.events(kinds=())) == []


def test_an_empty_store_has_no_events(new_store: StoreFactory) -> None:
    store = new_store()
    assert list(store.events()) == []


# --- round trip of every event type, property based ----------------------------------------------

_ZONES = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))])
_MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                        timezones=_ZONES).map(lambda d: d.replace(microsecond=0))
_JSON_SCALARS = st.none() | st.integers() | st.text() | st.floats(allow_nan=False,
                                                                  allow_infinity=False)
_DOSE = st.dictionaries(st.text(), _JSON_SCALARS | st.lists(_JSON_SCALARS, max_size=3), max_size=4)
#: A strategy per annotated field type; an event field of a new type fails the test below.
_BY_TYPE: dict[str, st.SearchStrategy[Any]] = {
    "datetime": _MOMENTS,
    "datetime | None": st.none() | _MOMENTS,
    "int": st.integers(min_value=-(2**53), max_value=2**53),
    "int | None": st.none() | st.integers(min_value=0, max_value=2**31),
    "str": st.text(),
    "int | str": st.integers(min_value=-5, max_value=20) | st.text(),
    "tuple[str, ...]": st.lists(st.text(), max_size=4).map(tuple),
    "tuple[dict[str, Any], ...]": st.lists(_DOSE, max_size=3).map(tuple),
    "Outcome": st.sampled_from(Outcome),
    "bool": st.booleans(),
    "bool | None": st.none() | st.booleans(),
    "str | None": st.none() | st.text(),
    "dict[str, bool]": st.dictionaries(st.text(), st.booleans(), max_size=5),
    # The prompt card travels with a PromptShown to the presenters; it is never stored.
    "PromptCard | None": st.none(),
}


def _event_strategy(cls: type[Any]) -> st.SearchStrategy[Event]:
    return st.builds(cls, **{f.name: _BY_TYPE[str(f.type)] for f in fields(cls)})


ANY_EVENT = st.one_of(*(_event_strategy(cls) for cls in EVENT_TYPES.values()))


def test_every_event_field_type_has_a_round_trip_strategy() -> None:
    for cls in EVENT_TYPES.values():
        for f in fields(cls):
            assert str(f.type) in _BY_TYPE, f"{cls.__name__}.{f.name}: {f.type}"


@given(ANY_EVENT)
def test_the_stored_form_decodes_to_the_same_event_as_event_from_json(event: Event) -> None:
    body = encode_event(event)
    assert decode_event(body) == event
    assert decode_event(body) == event_from_json(json.loads(body))
    assert json.loads(body) == event_to_json(event)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ANY_EVENT, max_size=12))
def test_any_events_survive_sqlite_and_reopening(tmp_path: Path, events: list[Event]) -> None:
    path = tmp_path / f"rt-{os.urandom(8).hex()}.sqlite3"  # hypothesis seeds `random`
    store = open_store(path)
    assert store.append_many(events)
    store.close()
    again = open_store(path, read_only=True)
    try:
        expected = sorted(enumerate(events), key=lambda p: (p[1].at.timestamp(), p[0]))
        assert list(again.events()) == [e for _, e in expected]
    finally:
        again.close()


# --- SQLite: files, WAL, schema ------------------------------------------------------------------


def test_the_default_log_is_private_and_in_wal_mode(deskbreak_home: Path) -> None:
    store = open_store()
    store.append(neck(0))
    path = deskbreak_home / "data" / "compliance.sqlite3"
    assert store.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for sidecar in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        if sidecar.exists():
            assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def _database_at_version(path: Path, version: int, events: list[Event]) -> None:
    """A log as an older deskbreak left it: schema `version`, holding `events`."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=version)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")} if version else set()
    for event in events:
        if "day" in columns:
            conn.execute("INSERT INTO events (ts, kind, body, day) VALUES (?, ?, ?, ?)",
                         (event.at.timestamp(), event.KIND, encode_event(event),
                          event.at.isoformat()[:10]))
        else:
            conn.execute("INSERT INTO events (ts, kind, body) VALUES (?, ?, ?)",
                         (event.at.timestamp(), event.KIND, encode_event(event)))
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_log_from_every_earlier_schema_migrates_to_the_latest(tmp_path: Path, version: int) -> None:
    path = tmp_path / "old.sqlite3"
    log = sample_log()
    _database_at_version(path, version, log)
    store = open_store(path)
    try:
        assert list(store.events()) == log
        assert store.append(neck(600))
        assert store.integrity_check() == "ok"
    finally:
        store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    days = {row[0] for row in conn.execute("SELECT day FROM events")}
    assert days == {"2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"}
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"events_by_time", "events_by_kind_time"} <= indexes
    conn.close()


def test_reading_an_older_log_upgrades_it_first(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _database_at_version(path, 1, sample_log())
    store = open_store(path, read_only=True)
    try:
        assert len(list(store.events())) == len(sample_log())
    finally:
        store.close()


def test_every_older_version_migrates_step_by_step_to_the_same_schema_as_a_new_log(
        tmp_path: Path) -> None:
    def schema(path: Path) -> list[tuple[str, str]]:
        conn = sqlite3.connect(path)
        try:
            return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql NOT NULL"))
        finally:
            conn.close()

    fresh = tmp_path / "fresh.sqlite3"
    open_store(fresh).close()
    assert len(MIGRATIONS) >= 2
    for version in range(1, SCHEMA_VERSION):
        old = tmp_path / f"v{version}.sqlite3"
        _database_at_version(old, version, [])
        open_store(old).close()
        conn = sqlite3.connect(old)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.close()
        assert schema(old) == schema(fresh), f"from version {version}"


def test_a_log_from_a_newer_deskbreak_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    _database_at_version(path, SCHEMA_VERSION, [])
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    for read_only in (False, True):
        with pytest.raises(DeskbreakError, match="newer than this deskbreak"):
            open_store(path, read_only=read_only)


def test_a_foreign_file_read_as_a_log_gives_a_one_line_error_and_is_left_alone(
        tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    content = b"this is not a database, it is a shopping list\n" * 200
    path.write_bytes(content)
    with pytest.raises(DeskbreakError) as caught:
        open_store(path, read_only=True)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "damaged" in message
    assert path.read_bytes() == content and list(tmp_path.iterdir()) == [path]


def test_a_corrupted_file_at_the_logs_path_is_set_aside_and_a_new_log_started(
        tmp_path: Path) -> None:
    # Changed on purpose (reliability issue): this used to stop the service with an error.
    path = tmp_path / "log.sqlite3"
    content = b"this is not a database, it is a shopping list\n" * 200
    path.write_bytes(content)
    store = open_store(path)
    try:
        assert store.notice is not None and "\n" not in store.notice
        assert "was damaged" in store.notice and "never deleted" in store.notice
        assert store.append(neck(0)) and list(store.events()) == [neck(0)]
    finally:
        store.close()
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("log.sqlite3.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes() == content


def test_a_log_with_damaged_pages_is_set_aside_and_its_readable_events_kept(
        tmp_path: Path) -> None:
    # Changed on purpose: reading a damaged log used to fail; now, as in `run`, the log is set
    # aside and a new one holds every event that could still be read.
    path = tmp_path / "log.sqlite3"
    store = open_store(path)
    store.append_many(neck(m) for m in range(3000))
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 3:page * 40] = os.urandom(page * 37)  # trash the middle, keep the header
    path.write_bytes(bytes(data))
    reader = open_store(path, read_only=True)
    try:
        assert reader.notice is not None and "set aside" in reader.notice
        kept = list(reader.events())
    finally:
        reader.close()
    assert 0 < len(kept) < 3000
    assert set(kept) <= {neck(m) for m in range(3000)}
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("log.sqlite3.damaged-")
             and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and aside[0].read_bytes() == bytes(data)


def test_a_missing_log_is_a_clear_error_when_reading(tmp_path: Path) -> None:
    with pytest.raises(DeskbreakError, match="nothing has been recorded"):
        open_store(tmp_path / "none.sqlite3", read_only=True)


def test_a_read_only_store_refuses_appends(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    open_store(path).close()
    store = open_store(path, read_only=True)
    with pytest.raises(DeskbreakError, match="read-only"):
        store.append(neck(0))
    store.close()


# --- SQLite: full and read-only disks while running ----------------------------------------------


def test_a_full_disk_keeps_events_in_memory_and_stores_them_on_the_next_append(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = open_store(tmp_path / "log.sqlite3")
    store.append(neck(0))
    conn = store._conn  # the test plays the disk: SQLite's page limit gives the real SQLITE_FULL
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    big = [CheckinAnswered(BASE + timedelta(minutes=m), "neck", 1, m, ("x" * 20000,))
           for m in range(1, 4)]
    with caplog.at_level(logging.WARNING, logger="deskbreak.store"):
        assert store.append(big[0]) is False
        assert store.append(big[1]) is False
    assert store.pending_count == 2
    assert "disk is full" in caplog.text and "kept in memory" in caplog.text
    assert store.count() == 1
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.append(big[2]) is True
    assert store.pending_count == 0
    assert list(store.events()) == [neck(0), *big]
    store.close()


def test_a_read_only_database_keeps_events_and_retries(tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    store = open_store(tmp_path / "log.sqlite3")
    store._conn.execute("PRAGMA query_only = ON")  # SQLite's own "attempt to write a readonly database"
    with caplog.at_level(logging.WARNING, logger="deskbreak.store"):
        assert store.append(neck(1)) is False
    assert "read-only" in caplog.text and store.pending_count == 1
    assert store.last_error == "the disk or file is read-only"
    store._conn.execute("PRAGMA query_only = OFF")
    assert store.flush() is True
    assert list(store.events()) == [neck(1)]
    store.close()


def _unprivileged(scenario: Callable[[Path], dict[str, Any]], tmp_path: Path) -> dict[str, Any]:
    """Run `scenario(dir)` where file permissions apply: in-process for a normal user; for root
    (who ignores them) in a forked child that drops to `nobody` first."""
    if os.geteuid() != 0:
        return scenario(tmp_path)
    shared = Path(f"/tmp/deskbreak-test-{os.getpid()}-{random.getrandbits(32):x}")
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            result = scenario(shared)
        except BaseException as error:
            result = {"child error": repr(error)}
            code = 1
        with os.fdopen(write, "w") as out:
            out.write(json.dumps(result))
        os._exit(code)
    os.close(write)
    with os.fdopen(read) as incoming:
        text = incoming.read()
    os.waitpid(pid, 0)
    subprocess.run(["rm", "-rf", str(shared)], check=False)
    result: dict[str, Any] = json.loads(text)
    assert "child error" not in result, result
    return result


def _cli(*argv: str) -> tuple[int, str, str]:
    from deskbreak.cli import main

    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _read_only_folder_scenario(root: Path) -> dict[str, Any]:
    result: dict[str, Any] = {}
    locked = root / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        open_store(locked / "log.sqlite3")
    except DeskbreakError as error:
        result["create"] = str(error)
    # An existing log whose folder and file became read-only: writing fails clearly,
    # reading (report, export) still works.
    folder = root / "frozen"
    folder.mkdir()
    path = folder / "log.sqlite3"
    store = open_store(path)
    store.append_many(sample_log())
    store.close()
    path.chmod(0o400)
    folder.chmod(0o500)
    try:
        open_store(path)
    except DeskbreakError as error:
        result["reopen"] = str(error)
    result["report"] = _cli("report", "--log", str(path), "--from", "2026-03-02", "--to",
                            "2026-03-03")
    result["write_export"] = _cli("export", "--format", "csv", "--out", str(folder / "x.csv"),
                                  "--log", str(path), "--today-is", "2026-03-03")
    return result


def test_a_read_only_folder_gives_clear_messages_and_reading_still_works(tmp_path: Path) -> None:
    result = _unprivileged(_read_only_folder_scenario, tmp_path)
    assert "read-only" in result["create"] and "\n" not in result["create"]
    assert "read-only" in result["reopen"] and "\n" not in result["reopen"]
    code, out, err = result["report"]
    assert code == 0, err
    assert "4/8" in out  # the sample's total: 4 done of 8 prompts
    code, out, err = result["write_export"]
    assert code == 1 and err.startswith("deskbreak: cannot write") and err.count("\n") == 1


# --- SQLite: kill -9 -----------------------------------------------------------------------------

_WRITER = """
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from deskbreak.core.events import CheckinAnswered
from deskbreak.store import open_store

store = open_store(Path(sys.argv[1]))
number = int(sys.argv[2])
base = datetime(2026, 3, 2, tzinfo=timezone.utc)
while True:
    event = CheckinAnswered(base + timedelta(seconds=number), "neck", number % 11, number,
                            ("chin-tuck", "neck-rotation"))
    if store.append(event):
        print(number, flush=True)  # acknowledged: reported as recorded
    number += 1
"""


@pytest.mark.slow
def test_killing_the_writer_never_loses_a_committed_event(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    rng = random.Random(20260302)
    acknowledged: set[int] = set()
    next_number = 0
    for kill in range(20):
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(next_number)],
            stdout=subprocess.PIPE, text=True, cwd=REPO)
        assert writer.stdout is not None
        if kill % 4 == 0:
            # Kill at a random moment, possibly while the log is being created or migrated.
            time.sleep(rng.uniform(0.0, 0.4))
        else:
            for _ in range(rng.randint(1, 60)):
                line = writer.stdout.readline()
                if not line:
                    break
                acknowledged.add(int(line))
        os.kill(writer.pid, signal.SIGKILL)
        rest, _ = writer.communicate()
        acknowledged.update(int(n) for n in rest.split())  # printed before the kill: committed
        assert writer.returncode == -signal.SIGKILL

        conn = sqlite3.connect(path) if path.exists() else None
        if conn is None:
            assert not acknowledged
            continue
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = [json.loads(body)["prompt"] for (body,) in
                      conn.execute("SELECT body FROM events ORDER BY id")]
        except sqlite3.DatabaseError:
            # Killed before the schema existed: then nothing can have been acknowledged.
            assert not acknowledged
            stored = []
        finally:
            conn.close()
        assert acknowledged <= set(stored), f"kill {kill}: lost {sorted(acknowledged - set(stored))}"
        assert len(stored) == len(set(stored)), "an event was stored twice"
        assert stored == sorted(stored)
        next_number = max(stored, default=-1) + 1
    assert len(acknowledged) > 100
    store = open_store(path, read_only=True)
    assert store.integrity_check() == "ok"
    assert len(list(store.events())) >= len(acknowledged)
    store.close()


# --- SQLite: the report's facts, reduced in SQL, equal the pure computation from events -----------

_DAYS = [date(2026, 3, d) for d in (1, 2, 3, 4, 5)]
_PERIODS = [Period(_DAYS[1], _DAYS[2]), Period(_DAYS[0], _DAYS[4]), Period(_DAYS[3], _DAYS[3])]


@st.composite
def _report_logs(draw: st.DrawFn) -> list[Event]:
    """Logs of the events reports count, with awkward cases: chains across days and periods,
    snoozes after a final answer, out-of-range and malformed answers, one time zone per log."""
    zone = draw(st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))]))
    moments = st.builds(lambda day, minute: datetime(2026, 3, day, tzinfo=zone)
                        + timedelta(minutes=minute),
                        st.integers(1, 5), st.integers(0, 24 * 60 - 1))
    names = st.lists(st.sampled_from(["chin-tuck", "neck-rotation", "walk"]), max_size=3).map(tuple)
    outcome = st.builds(lambda at, series, outcome, brk, ex: PromptOutcome(
        at, series * 10, series, brk, "micro", outcome, ex),
        moments, st.integers(1, 6), st.sampled_from(Outcome), st.sampled_from(["neck", "walk"]),
        names)
    bout = st.builds(lambda start, minutes: BoutEnded(start + timedelta(minutes=minutes + 5), start,
                                                      start + timedelta(minutes=minutes),
                                                      minutes * 60, "away"),
                     moments, st.integers(1, 150))
    neck = st.builds(lambda at, value, ex: CheckinAnswered(at, "neck", value, 1 if ex else None, ex),
                     moments, st.integers(-1, 11) | st.just("7"), names)
    headache = st.builds(lambda at, value: CheckinAnswered(at, "headache", value), moments,
                         st.sampled_from([*HEADACHE_LEVELS, "awful", 2]))
    programme = st.builds(lambda at, n: ProgrammeLoaded(at, f"Programme {n}", f"hash{n}", "p.yaml"),
                          moments, st.integers(1, 3))
    return draw(st.lists(st.one_of(outcome, bout, neck, headache, programme), max_size=40))


def _sql_and_pure_reports(store: SqliteStore, events: list[Event]) -> None:
    in_log_order = list(store.events())
    for period in _PERIODS:
        expected = summarise(in_log_order, period)
        assert summarise_facts(store.report_facts(period), period) == expected, period
        memory = MemoryStore()
        memory.append_many(events)
        assert summarise_facts(memory.report_facts(period), period) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_report_logs())
def test_reports_from_sql_equal_reports_from_the_events(tmp_path: Path, events: list[Event]) -> None:
    store = open_store(tmp_path / f"facts-{os.urandom(8).hex()}.sqlite3")
    try:
        for event in events:  # one by one, in any order: the chains trigger sees every case
            store.append(event)
        _sql_and_pure_reports(store, events)
    finally:
        store.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_report_logs(), st.sampled_from(range(1, SCHEMA_VERSION)))
def test_reports_from_a_migrated_log_equal_reports_from_the_events(
        tmp_path: Path, events: list[Event], version: int) -> None:
    path = tmp_path / f"old-{os.urandom(8).hex()}.sqlite3"
    _database_at_version(path, version, events)
    store = open_store(path)
    try:
        _sql_and_pure_reports(store, events)
    finally:
        store.close()


def test_the_sample_log_reports_the_same_from_sql() -> None:
    store = open_store()
    store.append_many(sample_log())
    try:
        _sql_and_pure_reports(store, sample_log())
    finally:
        store.close()


def test_the_highest_prompt_id_lets_a_restarted_service_continue_numbering(
        new_store: StoreFactory) -> None:
    store = new_store()
    assert store.highest_prompt_id() == 0  # type: ignore[attr-defined]
    store.append_many(sample_log())
    assert store.highest_prompt_id() == 12  # type: ignore[attr-defined]


def test_a_log_in_a_new_folder_gets_a_private_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "log.sqlite3"
    store = open_store(path)
    store.append(neck(0))
    store.close()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
