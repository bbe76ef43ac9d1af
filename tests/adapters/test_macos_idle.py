"""The macOS idle source with CoreGraphics replaced: arguments passed, validation, failures."""

from __future__ import annotations

import math
import sys

import pytest

from deskbreak.adapters.idle import IdleSourceError
from deskbreak.adapters.idle.macos import (
    ANY_INPUT_EVENT_TYPE,
    HID_SYSTEM_STATE,
    MacosIdleSource,
    checked_seconds,
)


def test_source_asks_for_any_input_event_in_the_hid_state() -> None:
    seen: list[tuple[int, int]] = []

    def seconds_since(state: int, event_type: int) -> float:
        seen.append((state, event_type))
        return 12.5

    source = MacosIdleSource(seconds_since=seconds_since)
    assert source.seconds_since_last_input() == 12.5
    assert seen[-1] == (HID_SYSTEM_STATE, ANY_INPUT_EVENT_TYPE)
    assert ANY_INPUT_EVENT_TYPE == 0xFFFFFFFF  # kCGAnyInputEventType is ~0 as uint32


def test_tiny_negative_reading_from_clock_jitter_counts_as_zero() -> None:
    assert checked_seconds(-0.001) == 0.0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -5.0])
def test_nonsense_reading_is_rejected(bad: float) -> None:
    with pytest.raises(ValueError):
        checked_seconds(bad)


def test_source_turns_a_nonsense_reading_into_idle_source_error() -> None:
    readings = iter([1.0, math.nan])
    source = MacosIdleSource(seconds_since=lambda _s, _t: next(readings))
    with pytest.raises(IdleSourceError, match="macos"):
        source.seconds_since_last_input()


@pytest.mark.skipif(sys.platform == "darwin", reason="checks the behaviour off macOS")
def test_opening_the_real_source_off_macos_is_a_clear_error() -> None:
    with pytest.raises(IdleSourceError, match="macos: CoreGraphics unavailable"):
        MacosIdleSource()
