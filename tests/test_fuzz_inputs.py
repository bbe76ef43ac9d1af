"""Fuzzing the other doors: control request lines and activity traces. Whatever arrives, the
answer is an error reply or a clean one-line refusal, never an exception."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskbreak.control import ControlServer, reply
from deskbreak.core.simulation import TraceInvalid, parse_trace, simulate
from deskbreak.library import load_programme

EXAMPLES = int(os.environ.get("DESKBREAK_FUZZ_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    derandomize=EXAMPLES <= 150,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
REPO = Path(__file__).resolve().parent.parent

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=30)


@SETTINGS
@given(st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.builds(lambda c, a: json.dumps({"command": c, "args": a}).encode(),
              st.text(max_size=12), json_values),
    st.integers(1, 5000).map(lambda n: b"[" * n),
    st.integers(1, 3000).map(lambda n: b'{"a":' * n),
))
def test_any_request_line_gets_a_well_formed_answer(line: bytes) -> None:
    handled: list[dict[str, object]] = []

    def handler(request: dict[str, object]) -> dict[str, object]:
        handled.append(request)
        return reply(True, "ok")

    server = ControlServer(Path("/nonexistent/control.sock"), handler)
    answer = server._respond(line)
    assert set(answer) == {"ok", "message", "data"} and isinstance(answer["ok"], bool)
    json.dumps(answer)
    for request in handled:  # only well-formed requests reach the handler
        assert isinstance(request["command"], str) and isinstance(request["args"], dict)


ACTIONS = st.sampled_from([
    "active", "idle", "locked", "asleep", "respond done", "respond snooze", "respond skip",
    "checkin neck 4", "checkin neck ³", "checkin neck 11", "checkin headache mild", "pause 30m",
    "pause 99999999999h", "pause " + "9" * 400 + "s", "resume", "end", "bogus", "", "active x",
])
STAMPS = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["2026-03-29T01:30:00", "2026-10-25T01:30:00", "0001-01-01T00:00:00",
                     "9999-12-31T23:59:59", "2026-11-23T08:00:00+14:00", "not a time", ""]),
)


@SETTINGS
@given(st.lists(st.tuples(STAMPS, ACTIONS), max_size=8))
def test_any_trace_is_run_or_refused_in_one_line(rows: list[tuple[str, str]]) -> None:
    text = "at,what\n" + "\n".join(f"{stamp},{action}" for stamp, action in rows) + "\n"
    try:
        parsed = parse_trace(text, "fuzz.csv")
    except TraceInvalid as error:
        assert str(error).startswith("fuzz.csv:") and "\n" not in str(error)
        return
    programme = load_programme(REPO / "config" / "programmes" / "desk-worker-general.yaml")
    if (parsed[-1].at - parsed[0].at).total_seconds() > 3 * 24 * 3600:
        return  # a valid but long trace: running it is the soak's job, not the fuzzer's
    for event in simulate(programme, parsed, poll_seconds=60):
        assert event.at is not None
