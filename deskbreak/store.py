"""The compliance log: every engine event, kept in order, committed as it happens.

Two implementations of one `Store` protocol, both checked by the same contract tests:

- `SqliteStore`: the real log, a SQLite database (WAL, `synchronous=FULL`, schema versioned with
  `PRAGMA user_version`, migrated step by step). Each `append` is its own transaction, so an event
  reported as recorded survives a crash or `kill -9`. When the disk is read-only or full, events are
  kept in memory (`pending_count`), a warning is logged, and they are retried on the next append.
- `MemoryStore`: the same behaviour in a list, for tests and the simulator.

`open_store()` opens (creating and migrating as needed) the user's log or a given file. A
damaged log is never deleted and never stops deskbreak: it is set aside beside the original name
(`compliance.sqlite3.damaged-<time>`), the events that can still be read are copied into a new
log, and `store.notice` says so in one line for the command to print. A read-only open never
writes to the file: an older schema is migrated in a copy in memory.

While running, a log that could not be written (read-only, full disk) is retried, and reopened
once it is writable again; a log deleted or replaced under the service is noticed at the next
write and started again at its path.

Threading: a store belongs to the thread that opened it (the engine thread); readers in other
processes (`deskbreak report`) open their own read-only store.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from deskbreak.core.events import (
    _DATETIME_FIELDS,
    _TUPLE_FIELDS,
    _WIRE_NAMES,
    EVENT_TYPES,
    HEADACHE_LEVELS,
    BoutEnded,
    CheckinAnswered,
    Event,
    Outcome,
    PromptOutcome,
    PromptShown,
    event_from_json,
    event_to_json,
    pain_value,
)
from deskbreak.errors import DeskbreakError

if TYPE_CHECKING:
    from deskbreak.core.compliance import Facts, Period

log = logging.getLogger(__name__)

#: Milliseconds a writer or reader waits for another process's lock before giving up.
BUSY_TIMEOUT_MS = 5000


class Store(Protocol):
    """An append-only, time-ordered log of engine events."""

    def append(self, event: Event) -> bool:
        """Record `event`. True when it (and everything pending before it) is durably stored;
        False when it is kept in memory to be retried (see `pending_count`)."""
        ...

    def append_many(self, events: Iterable[Event]) -> bool:
        """Record several events at once (one transaction); same promise as `append`."""
        ...

    def events(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        kinds: Sequence[str] | None = None,
    ) -> Iterator[Event]:
        """Stored events with `since <= at < until` (either bound optional), of the given KINDs
        (all when None), in time order; events at the same instant keep their append order."""
        ...

    def flush(self) -> bool:
        """Try again to store pending events. True when nothing is left pending."""
        ...

    @property
    def pending_count(self) -> int:
        """Events accepted by `append` but not yet durably stored."""
        ...

    @property
    def last_error(self) -> str | None:
        """Why events are pending, in words; None when everything is stored."""
        ...

    @property
    def notice(self) -> str | None:
        """One line the user must be told about this log (a damaged log set aside), or None."""
        ...

    def highest_prompt_id(self) -> int:
        """The highest prompt id stored, 0 when there is none (new prompts are numbered after
        it, so ids stay unique across restarts)."""
        ...

    def report_facts(self, period: Period) -> Facts:
        """The facts for the report of `period`: equal to `facts_from_events(events(), period)`."""
        ...

    def close(self) -> None:
        """Try once more to store pending events, then release the store."""
        ...


def _timestamp(moment: datetime) -> float:
    return moment.timestamp()


def _in_range(ts: float, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or ts >= since.timestamp()) and (until is None or ts < until.timestamp())


class MemoryStore:
    """The store contract in a list: for tests and the simulator. Nothing survives the process."""

    def __init__(self) -> None:
        self._rows: list[tuple[float, int, Event]] = []
        self._sorted = True

    def append(self, event: Event) -> bool:
        return self.append_many((event,))

    def append_many(self, events: Iterable[Event]) -> bool:
        for event in events:
            row = (_timestamp(event.at), len(self._rows), event)
            if self._rows and row[:2] < self._rows[-1][:2]:
                self._sorted = False
            self._rows.append(row)
        return True

    def events(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        kinds: Sequence[str] | None = None,
    ) -> Iterator[Event]:
        if not self._sorted:
            self._rows.sort(key=lambda row: row[:2])
            self._sorted = True
        wanted = None if kinds is None else frozenset(kinds)
        for ts, _, event in list(self._rows):
            if _in_range(ts, since, until) and (wanted is None or event.KIND in wanted):
                yield event

    def highest_prompt_id(self) -> int:
        """The highest prompt id stored, 0 when there is none."""
        return max((e.prompt for _, _, e in self._rows if isinstance(e, PromptShown)), default=0)

    def report_facts(self, period: Period) -> Facts:
        """The facts for the report of `period` (see `SqliteStore.report_facts`)."""
        from deskbreak.core.compliance import facts_from_events

        return facts_from_events(self.events(), period)

    def flush(self) -> bool:
        return True

    @property
    def pending_count(self) -> int:
        return 0

    @property
    def last_error(self) -> str | None:
        return None

    @property
    def notice(self) -> str | None:
        return None

    def close(self) -> None:
        pass


# --- schema --------------------------------------------------------------------------------------

#: Each step takes the schema from version N to N+1; index 0 creates version 1. Never edit a step
#: that has shipped: add a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # v1: one row per event; `body` is `event_to_json(event)`, `ts` orders and filters.
    (
        """CREATE TABLE events (
            id   INTEGER PRIMARY KEY AUTOINCREMENT,
            ts   REAL NOT NULL,
            kind TEXT NOT NULL,
            body TEXT NOT NULL
        )""",
    ),
    # v2: the event's local calendar day, and indexes for period and per-kind queries.
    (
        "ALTER TABLE events ADD COLUMN day TEXT",
        "UPDATE events SET day = substr(json_extract(body, '$.at'), 1, 10)",
        "CREATE INDEX events_by_time ON events (ts, id)",
        "CREATE INDEX events_by_kind_time ON events (kind, ts, id)",
    ),
    # v3: the fields reports aggregate, as columns, with covering indexes per event kind, and a
    # table of snooze chains, so a year's report reads small index pages instead of decoding
    # every event's JSON.
    (
        "ALTER TABLE events ADD COLUMN series INTEGER",
        "ALTER TABLE events ADD COLUMN outcome TEXT",
        "ALTER TABLE events ADD COLUMN break_name TEXT",
        "ALTER TABLE events ADD COLUMN exercises TEXT",
        "ALTER TABLE events ADD COLUMN at_text TEXT",
        "ALTER TABLE events ADD COLUMN neck INTEGER",
        "ALTER TABLE events ADD COLUMN headache TEXT",
        "ALTER TABLE events ADD COLUMN start_day TEXT",
        "ALTER TABLE events ADD COLUMN seconds INTEGER",
        """UPDATE events SET series = json_extract(body, '$.series'),
                             outcome = json_extract(body, '$.outcome'),
                             break_name = json_extract(body, '$.break'),
                             exercises = json_extract(body, '$.exercises')
           WHERE kind = 'outcome'""",
        """UPDATE events SET
               at_text = json_extract(body, '$.at'),
               exercises = json_extract(body, '$.exercises'),
               neck = CASE WHEN json_extract(body, '$.question') = 'neck'
                            AND json_type(body, '$.value') = 'integer'
                            AND json_extract(body, '$.value') BETWEEN 0 AND 10
                           THEN json_extract(body, '$.value') END,
               headache = CASE WHEN json_extract(body, '$.question') = 'headache'
                                AND json_type(body, '$.value') = 'text'
                                AND json_extract(body, '$.value')
                                    IN ('none', 'mild', 'moderate', 'severe')
                               THEN json_extract(body, '$.value') END
           WHERE kind = 'checkin'""",
        """UPDATE events SET start_day = substr(json_extract(body, '$.start'), 1, 10),
                             seconds = json_extract(body, '$.seconds')
           WHERE kind = 'bout'""",
        # One row per snooze chain, kept up to date by a trigger: its last outcome (by ts, id)
        # and how many snooze answers it had. Reports count chains from here.
        """CREATE TABLE chains (
            series     INTEGER PRIMARY KEY,
            ts         REAL NOT NULL,
            id         INTEGER NOT NULL,
            day        TEXT NOT NULL,
            outcome    TEXT NOT NULL,
            break_name TEXT,
            exercises  TEXT,
            snoozes    INTEGER NOT NULL
        )""",
        """INSERT INTO chains (series, ts, id, day, outcome, break_name, exercises, snoozes)
           SELECT series, ts, id, day, outcome, break_name, exercises, snoozes FROM (
               SELECT series, ts, id, day, outcome, break_name, exercises,
                      sum(outcome = 'snoozed') OVER (PARTITION BY series) AS snoozes,
                      row_number() OVER (PARTITION BY series ORDER BY ts DESC, id DESC) AS rn
               FROM events WHERE kind = 'outcome'
           ) WHERE rn = 1""",
        """CREATE TRIGGER events_count_chains AFTER INSERT ON events WHEN new.kind = 'outcome'
           BEGIN
               INSERT INTO chains (series, ts, id, day, outcome, break_name, exercises, snoozes)
               VALUES (new.series, new.ts, new.id, new.day, new.outcome, new.break_name,
                       new.exercises, new.outcome = 'snoozed')
               ON CONFLICT (series) DO UPDATE SET
                   snoozes = chains.snoozes + excluded.snoozes,
                   ts = iif((excluded.ts, excluded.id) > (chains.ts, chains.id),
                            excluded.ts, chains.ts),
                   id = iif((excluded.ts, excluded.id) > (chains.ts, chains.id),
                            excluded.id, chains.id),
                   day = iif((excluded.ts, excluded.id) > (chains.ts, chains.id),
                             excluded.day, chains.day),
                   outcome = iif((excluded.ts, excluded.id) > (chains.ts, chains.id),
                                 excluded.outcome, chains.outcome),
                   break_name = iif((excluded.ts, excluded.id) > (chains.ts, chains.id),
                                    excluded.break_name, chains.break_name),
                   exercises = iif((excluded.ts, excluded.id) > (chains.ts, chains.id),
                                   excluded.exercises, chains.exercises);
           END""",
        """CREATE INDEX chains_by_day
           ON chains (day, outcome, break_name, exercises, snoozes)""",
        """CREATE INDEX events_checkins
           ON events (day, ts, id, neck, headache, at_text, exercises)
           WHERE kind = 'checkin'""",
        """CREATE INDEX events_bouts ON events (start_day, ts, id, seconds)
           WHERE kind = 'bout'""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the database on `conn` up to schema `target`, one step per transaction.
    Returns the version it started from. Refuses a database newer than this program."""
    current = _user_version(conn)
    if current > SCHEMA_VERSION:
        raise DeskbreakError(
            f"the compliance log has schema version {current}, newer than this deskbreak "
            f"understands ({SCHEMA_VERSION}); upgrade deskbreak"
        )
    for version in range(current, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        log.info("compliance log migrated to schema version %d", version + 1)
    return current


def _user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


# --- fast decoding -------------------------------------------------------------------------------

# The wire names and field types come from core/events.py's one table (the one `event_from_json`
# reads): this is only a compiled form of it, so the two decoders can never disagree.


def _converter(name: str) -> Callable[[Any], Any] | None:
    if name in _DATETIME_FIELDS:
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if name in _TUPLE_FIELDS:
        return tuple
    if name == "outcome":
        return Outcome
    return None


#: Per kind: the class and (field name, wire name, converter) for every field. Built from the
#: dataclass fields, so a field added to events.py is decoded without a change here.
_DECODERS: dict[str, tuple[type[Any], tuple[tuple[str, str, Callable[[Any], Any] | None], ...]]] = {
    kind: (cls, tuple((f.name, _WIRE_NAMES.get(f.name, f.name), _converter(f.name))
                      for f in fields(cls)))
    for kind, cls in EVENT_TYPES.items()
}


def decode_event(body: str) -> Event:
    """The event stored as `body` (JSON from `event_to_json`); equal to `event_from_json`'s result,
    several times faster, because reports decode a year of events at a time."""
    data = json.loads(body)
    try:
        cls, spec = _DECODERS[data["event"]]
    except KeyError:
        return event_from_json(data)  # raises the usual KeyError for an unknown kind
    kwargs: dict[str, Any] = {}
    for name, wire, convert in spec:
        if wire in data:
            value = data[wire]
            kwargs[name] = value if convert is None else convert(value)
    event: Event = cls(**kwargs)
    return event


def encode_event(event: Event) -> str:
    """The stored form of `event`: compact JSON of `event_to_json`."""
    return json.dumps(event_to_json(event), ensure_ascii=False, separators=(",", ":"))


#: The columns of the events table, in the order `_row` fills them: the event (ts, kind, body)
#: and the fields reports aggregate. The migrations fill the same columns from `body` for older
#: rows; tests/test_store_schema.py fails when the table, this list, `_row` and the migration
#: SQL drift apart.
_COLUMNS = ("ts", "kind", "body", "day", "series", "outcome", "break_name", "exercises", "at_text",
            "neck", "headache", "start_day", "seconds")


def _row(event: Event) -> tuple[Any, ...]:
    """The stored row of `event`: its JSON, plus the fields reports aggregate (schema v3).
    Keep in step with the v3 migration, which fills the same columns from the JSON."""
    at_text = event.at.isoformat(timespec="seconds")
    series = outcome = break_name = exercises = text = neck = headache = start_day = None
    seconds = None
    if isinstance(event, PromptOutcome):
        series, outcome, break_name = event.series, event.outcome.value, event.break_name
        exercises = _json_list(event.exercises)
    elif isinstance(event, CheckinAnswered):
        text, exercises = at_text, _json_list(event.exercises)
        if event.question == "neck":
            neck = pain_value(event.value)
        elif event.question == "headache" and isinstance(event.value, str) \
                and event.value in HEADACHE_LEVELS:
            headache = event.value
    elif isinstance(event, BoutEnded):
        start_day, seconds = event.start.isoformat()[:10], event.seconds
    return (_timestamp(event.at), event.KIND, encode_event(event), at_text[:10], series, outcome,
            break_name, exercises, text, neck, headache, start_day, seconds)


def _json_list(items: tuple[str, ...]) -> str:
    return json.dumps(list(items), ensure_ascii=False, separators=(",", ":"))


# --- SQLite --------------------------------------------------------------------------------------


class SqliteStore:
    """The compliance log in SQLite. Open it with `open_store`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, read_only: bool,
                 notice: str | None = None) -> None:
        self._conn = conn
        self.path = path
        self.read_only = read_only
        self._pending: list[Event] = []
        self._warned = False
        #: The last write error, in words, while events are pending; None when all are stored.
        self._last_error: str | None = None
        #: The last write failed because the file or disk was read-only: reopen before retrying
        #: (SQLite keeps a connection that opened a read-only file read-only for good).
        self._reopen = False
        self._notice = notice
        #: (device, inode) of the file this connection writes, to notice it being deleted or
        #: replaced under us.
        self._identity = _identity(path)

    @property
    def last_error(self) -> str | None:
        return self._last_error

    @property
    def notice(self) -> str | None:
        return self._notice

    # writing

    def append(self, event: Event) -> bool:
        return self.append_many((event,))

    def append_many(self, events: Iterable[Event]) -> bool:
        if self.read_only:
            raise DeskbreakError(f"the compliance log {self.path} was opened read-only")
        self._pending.extend(events)
        return self.flush()

    def flush(self) -> bool:
        """Write every pending event in one transaction. True when nothing is left pending."""
        if not self._pending:
            return True
        self._follow_the_file()
        rows = [_row(e) for e in self._pending]
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    f"INSERT INTO events ({', '.join(_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(_COLUMNS))})",
                    rows,
                )
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            self._last_error = _describe_write_error(error)
            self._reopen = _is_read_only(error)
            if not self._warned:
                log.warning(
                    "could not write to the compliance log %s: %s; %d event(s) kept in memory "
                    "and retried with the next one",
                    self.path, self._last_error, len(self._pending),
                )
                self._warned = True
            return False
        if self._warned:
            log.warning("compliance log %s is writable again; %d kept event(s) stored",
                        self.path, len(rows))
        self._pending.clear()
        self._warned = False
        self._last_error = None
        return True

    def _follow_the_file(self) -> None:
        """Before writing: if the log was deleted or replaced since it was opened, or the last
        write failed on a read-only file, open the path afresh, so events go where reports
        will look for them. A failure here leaves things as they were (events stay pending)."""
        current = _identity(self.path)
        moved = current != self._identity
        if not moved and not self._reopen:
            return
        if moved:
            what = "deleted" if current is None else "replaced"
            log.warning("the compliance log %s was %s while deskbreak was running; starting "
                        "it again there", self.path, what)
            # Kept for `deskbreak status`: the user may not know the file went, and reports
            # will now miss everything before this moment.
            self._notice = (f"the compliance log {self.path} was {what} while deskbreak was "
                            "running; later events are written to the file now at that place, "
                            "and earlier ones are not in it")
        elif not os.access(self.path, os.W_OK):
            return  # still read-only: retrying the old connection says so
        # Let go of the old file first: its write-ahead log sits at the same path name, and
        # must be folded into the old file (and emptied) before a new connection could read
        # it as belonging to the new one.
        try:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        self._conn.close()
        try:
            conn, notice = _connect_writable(self.path)
        except DeskbreakError as error:
            # The closed connection makes the next write fail too (events stay pending) and
            # the next flush try again here.
            self._last_error = str(error)
            return
        self._conn = conn
        self._identity = _identity(self.path)
        self._reopen = False
        if notice:
            self._notice = notice

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    # reading

    def events(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        kinds: Sequence[str] | None = None,
    ) -> Iterator[Event]:
        for body in self.bodies(since, until, kinds):
            yield decode_event(body)

    def bodies(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        kinds: Sequence[str] | None = None,
    ) -> Iterator[str]:
        """The stored JSON of the events `events` would return, undecoded (for JSON export)."""
        where: list[str] = []
        params: list[Any] = []
        if since is not None:
            where.append("ts >= ?")
            params.append(_timestamp(since))
        if until is not None:
            where.append("ts < ?")
            params.append(_timestamp(until))
        if kinds is not None:
            where.append(f"kind IN ({', '.join('?' * len(kinds))})")
            params.extend(kinds)
        sql = "SELECT body FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY ts, id"
        try:
            cursor = self._conn.execute(sql, params)
            while True:
                batch = cursor.fetchmany(2000)
                if not batch:
                    break
                for (body,) in batch:
                    yield body
        except sqlite3.DatabaseError as error:
            raise DeskbreakError(f"cannot read the compliance log {self.path}: {error}") from None

    def report_facts(self, period: Period) -> Facts:
        """The facts for the report of `period`, reduced in SQL: the same result as
        `facts_from_events(self.events(), period)`, without decoding every event in Python."""
        from deskbreak.core.compliance import Facts, flag_reason

        first, last = period.first.isoformat(), period.last.isoformat()
        try:
            by_day = self._conn.execute(_CHAINS_BY_DAY_SQL, (first, last)).fetchall()
            by_break = self._conn.execute(_CHAINS_BY_BREAK_SQL, (first, last)).fetchall()
            by_exercises = self._conn.execute(_CHAINS_BY_EXERCISES_SQL, (first, last)).fetchall()
            bouts = self._conn.execute(_BOUTS_SQL, (first, last)).fetchall()
            neck = self._conn.execute(_NECK_SQL, (first, last)).fetchall()
            before = self._conn.execute(_NECK_BEFORE_SQL, (first,)).fetchone()
            headaches = self._conn.execute(_HEADACHE_SQL, (first, last)).fetchall()
            programmes = self._conn.execute(_PROGRAMMES_SQL, (last,)).fetchall()
        except sqlite3.DatabaseError as error:
            raise DeskbreakError(f"cannot read the compliance log {self.path}: {error}") from None

        dates: dict[str, date] = {}

        def to_date(text: str) -> date:
            found = dates.get(text)
            if found is None:
                found = dates[text] = date.fromisoformat(text)
            return found

        # Neck answers: per day, and the ones that flag the exercises of their break.
        neck_days: dict[str, list[int]] = {}
        neck_flags: list[tuple[datetime, int, int | None, tuple[str, ...]]] = []
        previous: int | None = None if before is None else int(before[0])
        for at_text, value, exercises in neck:
            answers = neck_days.get(at_text[:10])
            if answers is None:
                neck_days[at_text[:10]] = [1, value, value]
            else:
                answers[0] += 1
                answers[1] += value
                answers[2] = max(answers[2], value)
            if exercises and exercises != "[]" and flag_reason(value, previous):
                neck_flags.append((datetime.fromisoformat(at_text), value, previous,
                                   tuple(json.loads(exercises))))
            previous = value

        # The clinical events are few (check-ins, diary, screenings): read them one by one.
        # Diary answers about a day can come up to a week later (the catch-up question).
        from deskbreak.core.compliance import CLINICAL_KINDS, clinical_events
        from deskbreak.core.diary import CATCH_UP_DAYS

        clinical = clinical_events(self.events(
            since=datetime.combine(period.first - timedelta(days=1), time.min).astimezone(),
            until=datetime.combine(period.last + timedelta(days=CATCH_UP_DAYS + 2),
                                   time.min).astimezone(),
            kinds=CLINICAL_KINDS), period)
        return Facts(
            chains_by_day=[(to_date(d), Outcome(o), n, z) for d, o, n, z in by_day],
            chains_by_break=[(b, Outcome(o), n, z) for b, o, n, z in by_break],
            chains_by_exercises=[(tuple(json.loads(e)), Outcome(o), n, z)
                                 for e, o, n, z in by_exercises],
            bouts=[(to_date(day), seconds) for day, seconds in bouts],
            neck_days=[(to_date(day), n, total, worst)
                       for day, (n, total, worst) in sorted(neck_days.items())],
            neck_flags=neck_flags,
            headaches=[(to_date(day), level) for day, level in headaches],
            programmes=[(datetime.fromisoformat(at), title, programme_hash)
                        for at, title, programme_hash in programmes],
            clinical=clinical,
        )

    def highest_prompt_id(self) -> int:
        """The highest prompt id in the log, 0 for an empty log: the service numbers new prompts
        after it, so ids stay unique across restarts (and snooze chains never mix)."""
        row = self._conn.execute(
            "SELECT max(json_extract(body, '$.prompt')) FROM events WHERE kind = 'prompt'"
        ).fetchone()
        return int(row[0] or 0)

    def count(self) -> int:
        """How many events are stored (not counting pending ones)."""
        return int(self._conn.execute("SELECT count(*) FROM events").fetchone()[0])

    def integrity_check(self) -> str:
        """SQLite's own verdict on the file: "ok" when it is sound."""
        return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        if self._pending and not self.read_only:
            self.flush()
            if self._pending:
                log.error(
                    "%d event(s) could not be written to the compliance log %s (%s) and are lost",
                    len(self._pending), self.path, self._last_error,
                )
        self._conn.close()


def _is_read_only(error: sqlite3.Error) -> bool:
    text = str(error)
    return "readonly" in text or "read-only" in text or "unable to open" in text


# --- report queries (see SqliteStore.report_facts) -----------------------------------------------

# The report queries name their covering index: without ANALYZE statistics SQLite would pick the
# (kind, ts) index and read every event's row. INDEXED BY fails loudly if the index is missing.

# Snooze chains whose last outcome falls in the period, counted three ways.
_CHAINS_BY_DAY_SQL = """
SELECT day, outcome, count(*), sum(snoozes) FROM chains INDEXED BY chains_by_day
WHERE day BETWEEN ? AND ? GROUP BY day, outcome
"""
_CHAINS_BY_BREAK_SQL = """
SELECT break_name, outcome, count(*), sum(snoozes) FROM chains INDEXED BY chains_by_day
WHERE day BETWEEN ? AND ? GROUP BY break_name, outcome
"""
_CHAINS_BY_EXERCISES_SQL = """
SELECT exercises, outcome, count(*), sum(snoozes) FROM chains INDEXED BY chains_by_day
WHERE day BETWEEN ? AND ? GROUP BY exercises, outcome
"""
_BOUTS_SQL = """
SELECT start_day, seconds FROM events INDEXED BY events_bouts
WHERE kind = 'bout' AND start_day BETWEEN ? AND ?
ORDER BY ts, id
"""
_NECK_SQL = """
SELECT at_text, neck, exercises FROM events INDEXED BY events_checkins
WHERE kind = 'checkin' AND day BETWEEN ? AND ? AND neck IS NOT NULL
ORDER BY ts, id
"""
_NECK_BEFORE_SQL = """
SELECT neck FROM events INDEXED BY events_checkins
WHERE kind = 'checkin' AND day < ? AND neck IS NOT NULL
ORDER BY ts DESC, id DESC
LIMIT 1
"""
_HEADACHE_SQL = """
SELECT day, headache FROM events INDEXED BY events_checkins
WHERE kind = 'checkin' AND day BETWEEN ? AND ? AND headache IS NOT NULL
ORDER BY ts, id
"""
_PROGRAMMES_SQL = """
SELECT json_extract(body, '$.at'), json_extract(body, '$.title'),
       json_extract(body, '$.programme_hash')
FROM events
WHERE kind = 'programme' AND day <= ?
ORDER BY ts, id
"""


def _describe_write_error(error: sqlite3.Error) -> str:
    text = str(error)
    if _is_read_only(error):
        return "the disk or file is read-only"
    if "full" in text:
        return "the disk is full"
    return text


def open_store(path: Path | None = None, *, read_only: bool = False) -> SqliteStore:
    """Open the compliance log at `path` (default: the user's), creating the file and its private
    directory and migrating the schema as needed. `read_only` never creates or changes the file
    (an older schema is migrated in memory).

    A damaged deskbreak log (and, when writing, anything unreadable at the log's path) is set
    aside and a new log started with the events that could be read; `store.notice` then holds
    the one line to tell the user. Raises DeskbreakError, one line, when the file cannot be
    created, opened or understood, saying why: permissions, a full disk, a folder that cannot
    be reached, a newer schema, a file that is not a deskbreak log."""
    if path is None:
        from deskbreak.paths import ensure_private_dir, user_paths

        path = user_paths().database
        if not read_only:
            try:
                ensure_private_dir(path.parent)
            except OSError as error:
                raise _os_error(f"cannot create the folder for the compliance log {path.parent}",
                                path.parent, error) from None
    path = Path(path)
    if read_only:
        return _open_read_only(path)
    conn, notice = _connect_writable(path)
    return SqliteStore(conn, path, read_only=False, notice=notice)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _os_error(what: str, path: Path, error: OSError) -> DeskbreakError:
    """`what` failed on `path` with `error`: one line that names the real cause and its fix."""
    if error.errno == errno.ENOSPC:
        return DeskbreakError(f"{what}: the disk is full; free some space and try again")
    if error.errno in (errno.EACCES, errno.EPERM):
        return DeskbreakError(f"{what}: permission denied ({_mode_words(path)}); make it yours "
                              f"again, e.g. chmod u+rw {path}")
    if error.errno == errno.EROFS:
        return DeskbreakError(f"{what}: the disk is mounted read-only")
    return DeskbreakError(f"{what}: {error.strerror or error}")


def _mode_words(path: Path) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return "its folder cannot be entered"
    return f"its mode is {stat.S_IMODE(info.st_mode):04o}"


def _check_access(path: Path, *, write: bool) -> None:
    """Name a permission problem before SQLite turns it into "unable to open database file"."""
    parent = path.parent
    try:
        os.stat(parent)
        exists = path.exists()
    except PermissionError as error:
        raise _os_error(f"cannot reach the folder {parent} of the compliance log", parent,
                        error) from None
    if not os.access(parent, os.X_OK):
        raise DeskbreakError(f"cannot reach the folder {parent} of the compliance log: "
                             f"permission denied ({_mode_words(parent)}); fix it with "
                             f"chmod u+rwx {parent}")
    if exists and not os.access(path, os.R_OK):
        raise DeskbreakError(f"cannot read the compliance log {path}: permission denied "
                             f"({_mode_words(path)}); make it yours again with chmod 600 {path}")
    if write and not exists and not os.access(parent, os.W_OK):
        raise DeskbreakError(f"cannot create the compliance log {path}: the folder is read-only "
                             f"({_mode_words(parent)})")


def _connect_writable(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """A migrated, writable connection to the log at `path`, and the notice if a damaged log had
    to be set aside first."""
    if not path.parent.is_dir():
        try:
            # A new folder for the log is private; an existing one is left as it is.
            path.parent.mkdir(parents=True, mode=0o700)
        except OSError as error:
            raise _os_error(f"cannot create the folder {path.parent} for the compliance log",
                            path.parent, error) from None
    _check_access(path, write=True)
    try:
        conn = _connect_and_migrate(path)
    except _Damaged as damaged:
        return _set_aside_and_restart(path, damaged.reason)
    _make_private(path)
    return conn, None


class _Damaged(Exception):
    """The file at the log's path is damaged or not a SQLite database (internal)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _connect_and_migrate(path: Path) -> sqlite3.Connection:
    new = not path.exists()
    if new:
        try:
            # Create the file ourselves so it is private from the first byte.
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EROFS):
                raise DeskbreakError(f"cannot create the compliance log {path}: the folder is "
                                     "read-only") from None
            raise _os_error(f"cannot create the compliance log {path}", path.parent,
                            error) from None
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
    except sqlite3.Error as error:
        raise DeskbreakError(f"cannot open the compliance log {path}: {error}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not new:
            damage = _damage(conn)
            if damage:
                raise _Damaged(damage)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("compliance log %s: WAL mode unavailable (journal mode %s)", path, mode)
        # FULL: a committed event survives a power cut too, not only a killed process.
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn)
    except (DeskbreakError, _Damaged):
        conn.close()
        raise
    except sqlite3.OperationalError as error:
        conn.close()
        if "full" in str(error):
            raise DeskbreakError(f"cannot write the compliance log {path}: the disk is full; "
                                 "free some space and try again") from None
        if _is_read_only(error):
            raise DeskbreakError(
                f"cannot write the compliance log {path}: the file or its folder is read-only"
            ) from None
        raise _Damaged(str(error)) from None
    except sqlite3.DatabaseError as error:
        conn.close()
        raise _Damaged(str(error)) from None
    return conn


def _damage(conn: sqlite3.Connection) -> str | None:
    """Why the open database is not a sound deskbreak log, or None. Reads every page once
    (SQLite's quick_check) and checks every stored event is JSON: linear in the log's size."""
    try:
        version = _user_version(conn)
        if version == 0 and not _has_events_table(conn):
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            return None if tables == 0 else "it is a SQLite file but not a deskbreak log"
        verdict = str(conn.execute("PRAGMA quick_check").fetchone()[0])
        if verdict != "ok":
            return f"database disk image is malformed: {verdict}"
        if version > SCHEMA_VERSION:
            return None  # refused as "newer" by migrate(), never set aside
        bad = conn.execute("SELECT count(*) FROM events WHERE json_valid(body) = 0").fetchone()
        if bad[0]:
            return f"{bad[0]} event(s) are not valid JSON"
    except sqlite3.OperationalError as error:
        # Locked, busy, read-only, out of space: a problem of access, not of the file's content.
        if "malformed" not in str(error) and "not a database" not in str(error):
            raise
        return str(error)
    except sqlite3.DatabaseError as error:
        return str(error)
    return None


def _set_aside_and_restart(path: Path, reason: str) -> tuple[sqlite3.Connection, str]:
    """Rename the damaged log (and its -wal/-shm) beside itself, start a new log at `path` with
    every event that can still be read from it, and say so in one line."""
    from datetime import datetime as _datetime

    stamp = _datetime.now().strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
    try:
        os.rename(path, aside)
        for suffix in ("-wal", "-shm"):
            companion = Path(f"{path}{suffix}")
            if companion.exists():
                os.rename(companion, Path(f"{aside}{suffix}"))
    except OSError as error:
        raise DeskbreakError(f"the compliance log {path} is damaged ({reason}) and cannot be "
                             f"set aside: {error.strerror}; move it away by hand") from None
    salvaged = _salvage(aside)
    conn = _connect_and_migrate(path)
    _make_private(path)
    store = SqliteStore(conn, path, read_only=False)
    if salvaged and not store.append_many(salvaged):
        raise DeskbreakError(f"the compliance log {path} was damaged and set aside as "
                             f"{aside.name}, but the new log cannot be written: "
                             f"{store.last_error}")
    notice = (f"the compliance log {path} was damaged ({_first_line(reason)}); it is set aside "
              f"as {aside.name} (never deleted) and a new log is started with the "
              f"{len(salvaged)} event(s) that could still be read")
    # INFO, not WARNING: the command prints `notice` itself (WARNING would reach stderr twice
    # through logging's last-resort handler); the service's log file records INFO.
    log.info("%s", notice)
    return store._conn, notice


def _first_line(text: str, limit: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "unknown damage"
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _salvage(path: Path) -> list[Event]:
    """Every event that can still be read and decoded from a damaged log, in time order.
    Reads forwards and then backwards, so one bad page in the middle loses only its rows."""
    found: dict[int, Event] = {}
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               isolation_level=None)
    except sqlite3.Error:
        return []
    try:
        for order in ("ASC", "DESC"):
            try:
                cursor = conn.execute(f"SELECT id, body FROM events ORDER BY id {order}")
                for row_id, body in cursor:
                    if row_id in found:
                        break
                    try:
                        found[row_id] = decode_event(body)
                    except (ValueError, KeyError, TypeError):
                        continue
            except sqlite3.DatabaseError:
                continue
    finally:
        conn.close()
    return [event for _, event in sorted(found.items(), key=lambda item: (
        _timestamp(item[1].at), item[0]))]


def _open_read_only(path: Path) -> SqliteStore:
    try:
        exists = path.parent.is_dir() and path.exists()
    except PermissionError as error:
        raise _os_error(f"cannot reach the folder {path.parent} of the compliance log",
                        path.parent, error) from None
    if not exists:
        raise DeskbreakError(f"no compliance log at {path} (nothing has been recorded yet)")
    _check_access(path, write=False)
    try:
        conn = _connect_read_only(path)
        damage = _damage(conn)
        version = _user_version(conn) if damage is None else 0
    except sqlite3.OperationalError as error:
        if "malformed" not in str(error) and "not a database" not in str(error):
            raise DeskbreakError(f"cannot read the compliance log {path}: {error}") from None
        damage, conn = str(error), None
    except sqlite3.DatabaseError as error:
        damage, conn = str(error), None
    if damage is not None or conn is None:
        if conn is not None:
            conn.close()
        damage = damage or "unreadable"
        if not (_is_default_log(path) or _has_deskbreak_tables(path)):
            # Not ours to move: a report pointed at some other file only says what it is.
            raise _unreadable(path, damage)
        # A damaged deskbreak log: the same as when the service opens it (set aside, new log).
        new_conn, notice = _set_aside_and_restart(path, damage)
        new_conn.close()
        store = _open_read_only(path)
        store._notice = notice
        return store
    try:
        if version > SCHEMA_VERSION:
            migrate(conn)  # raises the "newer deskbreak" error
        if version < SCHEMA_VERSION:
            # An older log: migrate a copy in memory, never the file (it may be read-only, and
            # an older deskbreak may still be using it).
            memory = sqlite3.connect(":memory:", isolation_level=None)
            conn.backup(memory)
            conn.close()
            conn = memory
            migrate(conn)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise _unreadable(path, str(error)) from None
    except DeskbreakError:
        conn.close()
        raise
    return SqliteStore(conn, path, read_only=True)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _user_version(conn)
        return conn
    except sqlite3.OperationalError:
        # A WAL database in a folder we cannot write: read it as an immutable snapshot.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True,
                               isolation_level=None)
        _user_version(conn)
        return conn


def _is_default_log(path: Path) -> bool:
    from deskbreak.paths import user_paths

    try:
        return path.resolve() == user_paths().database.resolve()
    except OSError:
        return False


def _has_deskbreak_tables(path: Path) -> bool:
    """True when the file is a SQLite database whose schema still says it is a deskbreak log."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        return _has_events_table(conn)
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _has_events_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'")
    return row.fetchone() is not None


def _unreadable(path: Path, reason: str) -> DeskbreakError:
    return DeskbreakError(
        f"the compliance log {path} is damaged or not a deskbreak log ({_first_line(reason)})"
    )


def _make_private(path: Path) -> None:
    if os.name != "posix":
        return
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            os.chmod(candidate, 0o600)
        except FileNotFoundError:
            pass
        except OSError as error:
            log.warning("cannot make %s private: %s", candidate, error.strerror)


if TYPE_CHECKING:
    # Both implementations satisfy the whole protocol: mypy checks these assignments.
    def _conforms(memory: MemoryStore, sqlite: SqliteStore) -> tuple[Store, Store]:
        return memory, sqlite
