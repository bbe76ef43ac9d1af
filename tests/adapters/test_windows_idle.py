"""The Windows idle source with the Windows API replaced: tick arithmetic, wrap, failures."""

from __future__ import annotations

import sys

import pytest

from deskbreak.adapters.idle import IdleSourceError
from deskbreak.adapters.idle.windows import TICK_MODULUS, WindowsIdleSource, idle_ms_between


def test_idle_is_the_plain_difference_between_ticks() -> None:
    assert idle_ms_between(now_tick=10_500, last_input_tick=10_000) == 500


def test_idle_is_right_when_the_tick_counter_wrapped_since_the_last_input() -> None:
    # Last input 10 ms before the 49.7-day wrap, now 5 ms after it.
    assert idle_ms_between(now_tick=5, last_input_tick=TICK_MODULUS - 10) == 15


def test_input_at_the_same_tick_means_zero_idle() -> None:
    assert idle_ms_between(now_tick=TICK_MODULUS - 1, last_input_tick=TICK_MODULUS - 1) == 0


def test_source_reports_seconds_from_the_replaced_api_calls() -> None:
    source = WindowsIdleSource(now_tick=lambda: 3_000, last_input_tick=lambda: 500)
    assert source.name == "windows"
    assert source.seconds_since_last_input() == pytest.approx(2.5)


def test_source_reads_across_a_wrap() -> None:
    source = WindowsIdleSource(now_tick=lambda: 1_000, last_input_tick=lambda: TICK_MODULUS - 1_000)
    assert source.seconds_since_last_input() == pytest.approx(2.0)


def test_failing_get_last_input_info_raises_idle_source_error() -> None:
    calls = iter([100, OSError("GetLastInputInfo failed")])

    def last_input() -> int:
        value = next(calls)
        if isinstance(value, Exception):
            raise value
        return value

    source = WindowsIdleSource(now_tick=lambda: 200, last_input_tick=last_input)
    with pytest.raises(IdleSourceError, match="GetLastInputInfo failed"):
        source.seconds_since_last_input()


@pytest.mark.skipif(sys.platform == "win32", reason="checks the behaviour off Windows")
def test_opening_the_real_source_off_windows_is_a_clear_error() -> None:
    with pytest.raises(IdleSourceError, match="windows: not Windows"):
        WindowsIdleSource()
