"""The real service and its tray: a menu choice is confirmed in one notification, `status` and
`doctor` say whether the icon can be seen, and without any tray host the service still
prompts through notifications and answers on the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop import DesktopError, DesktopSession

from .fixture_parts import started
from .service_harness import PROGRAMME, RunningService, Typist, start_service
from .test_tray import open_xorg_menu


def test_pause_from_the_tray_menu_is_confirmed_in_one_short_notification(
        service: RunningService, desktop: DesktopSession) -> None:
    status = json.loads(service.cli("status", "--json").stdout)
    assert status["tray"] == {"visible": True, "backend": "xorg",
                              "reason": "docked in the X11 system tray"}
    icon = desktop.wait_for_window("^(deskbreak|Starting|Sitting|Away)", timeout=10)
    menu = open_xorg_menu(desktop, icon)
    # Items are ~27 px high: status, separator, 3 items, separator, then Pause 30 min.
    desktop.xdotool("mousemove", "--window", str(menu), "60", "145", "click", "1")
    notes = desktop.wait_for_notifications(
        1, timeout=10, predicate=lambda n: n.body.lower().startswith("paused until"))
    assert len(notes) == 1 and notes[0].summary == "deskbreak"
    line = service.cli("status").stdout.splitlines()[0]
    assert notes[0].body.lower() == line.lower(), "the confirmation and `status` disagree"


@pytest.fixture(scope="module")
def bare_desktop() -> Iterator[DesktopSession]:
    """A desktop with a window manager and notifications but no tray host of any kind."""
    with started(DesktopSession(tray=False), DesktopError) as session:
        yield session


def test_without_a_tray_host_status_and_doctor_say_so_and_prompts_still_come(
        bare_desktop: DesktopSession, deskbreak_home: Path, tmp_path: Path) -> None:
    programme = tmp_path / "programme.yaml"
    programme.write_text(PROGRAMME.format(title="No tray"))
    running = RunningService(bare_desktop, deskbreak_home, programme,
                             start_service(bare_desktop, deskbreak_home, programme))
    typist = Typist(bare_desktop)
    try:
        running.wait_for(lambda: running.cli("status").returncode == 0, 15, "the socket")
        status = running.cli("status")
        assert ("No tray icon is shown: no X11 system tray is running (no _NET_SYSTEM_TRAY "
                "owner)") in status.stdout
        doctor = running.cli("doctor", timeout=60).stdout
        assert "tray icon          xorg                   NOT SHOWN: no X11 system tray" \
            in doctor, doctor
        assert "no tray host: neither a StatusNotifierWatcher" in doctor, doctor
        # The service still does its job: a prompt arrives as a notification...
        typist.start()
        running.wait_for(running.prompt_notifications, 40, "a prompt notification")
        typist.stop()
        # ...and the command line does what the menu would.
        assert running.cli("pause", "30m").returncode == 0
        assert running.cli("status").stdout.startswith("Paused until")
    finally:
        typist.stop()
        running.stop()


@pytest.fixture(scope="module")
def sni_service_desktop() -> Iterator[DesktopSession]:
    """A desktop whose tray is a StatusNotifierItem host (no trayer), with notifications."""
    with started(DesktopSession(tray=False, sni_tray=True), DesktopError) as session:
        yield session


def test_the_service_on_an_sni_desktop_shows_its_icon_and_its_menu_pauses_it(
        sni_service_desktop: DesktopSession, deskbreak_home: Path, tmp_path: Path) -> None:
    from .test_tray_sni import bus, click, layout, wait_registered

    desktop = sni_service_desktop
    programme = tmp_path / "programme.yaml"
    programme.write_text(PROGRAMME.format(title="SNI"))
    running = RunningService(desktop, deskbreak_home, programme,
                             start_service(desktop, deskbreak_home, programme))
    try:
        running.wait_for(lambda: running.cli("status").returncode == 0, 15, "the socket")
        name = f"org.kde.StatusNotifierItem-{running.process.pid}-1"
        wait_registered(desktop, name)
        status = json.loads(running.cli("status", "--json").stdout)
        assert status["tray"] == {"visible": True, "backend": "sni",
                                  "reason": "shown by a StatusNotifierItem host"}
        with bus(desktop) as conn:
            items = {i.get("label"): i for i in layout(conn, name)}
            assert items["Snooze"]["enabled"] is False  # no prompt is open
            click(conn, name, items["Pause 30 min"]["id"])
        running.wait_for(lambda: running.cli("status").stdout.startswith("Paused until"), 10,
                         "the pause from the SNI menu")
        notes = desktop.wait_for_notifications(
            1, timeout=10, predicate=lambda n: n.body.lower().startswith("paused until"))
        assert len(notes) == 1
        with bus(desktop) as conn:
            items = {i.get("label"): i for i in layout(conn, name)}
            assert items["Resume"]["enabled"] is True
            assert layout(conn, name)[0]["label"].startswith("Paused until")
    finally:
        running.stop()
        assert running.process.returncode == 0, running.output()
