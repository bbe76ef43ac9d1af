"""The Wayland idle source against a real compositor: Debian's sway, headless, driven by wtype.

sway 1.7 (Debian 12) speaks KDE's org_kde_kwin_idle; the standard ext_idle_notifier_v1 is proved
against a compositor-side stand-in in tests/adapters/test_wayland_idle_protocol.py.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskbreak.adapters.idle import choose_idle_source, session_caveat
from deskbreak.adapters.idle.wayland import WaylandIdleSource

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from wayland_desktop import HeadlessSway, WaylandDesktopError

from .fixture_parts import started


@pytest.fixture(scope="module")
def sway() -> Iterator[HeadlessSway]:
    with started(HeadlessSway(), WaylandDesktopError) as compositor:
        yield compositor


def _wait_until(predicate, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_idle_time_grows_without_input_and_typing_resets_it_on_sway(sway: HeadlessSway) -> None:
    source = WaylandIdleSource(environ=sway.env(), notify_after=0.5)
    try:
        assert source.protocol == "org_kde_kwin_idle"
        assert _wait_until(lambda: source.seconds_since_last_input() >= 1.5)
        sway.type_text("a")
        assert _wait_until(lambda: source.seconds_since_last_input() == 0.0, timeout=3)
        time.sleep(1.5)
        after = source.seconds_since_last_input()
        assert 0.9 <= after <= 3.0, after
    finally:
        source.close()


def test_a_wayland_session_chooses_the_compositors_idle_protocol_with_no_caveat(
        sway: HeadlessSway, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in sway.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "sway")
    source = choose_idle_source()
    try:
        assert source.name == "wayland"
        assert session_caveat(source.name, sway.env()) is None
    finally:
        source.close()  # type: ignore[attr-defined]


def test_the_source_reports_the_compositor_going_away() -> None:
    compositor = HeadlessSway().start()
    source = WaylandIdleSource(environ=compositor.env())
    compositor.stop()
    from deskbreak.adapters.idle import IdleSourceError

    def failed() -> bool:
        try:
            source.seconds_since_last_input()
        except IdleSourceError:
            return True
        return False

    assert _wait_until(failed)
