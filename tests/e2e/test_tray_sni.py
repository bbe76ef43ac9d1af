"""The StatusNotifierItem tray (no gi) against a real SNI host from Debian: the standalone
status-notifier-watcher and gtk-sni-tray-standalone, started by tests/desktop.py.

The icon registers with the watcher and the host draws it (screenshot), it changes after a
state change (NewIcon on the bus, new pixels on the screen), and its menu arrives both the way
a host fetches it (GetLayout, Event over D-Bus) and as the host's own menu, clicked.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from desktop import DesktopError, DesktopSession
from jeepney import DBusAddress, Properties, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.low_level import HeaderFields, MessageType

from deskbreak.ui import icon

from .fixture_parts import started
from .test_tray import TrayProcess

REPO = Path(__file__).resolve().parents[2]
SHOTS = Path("/tmp/deskbreak-ui-screenshots")
AMBER = icon.AMBER[:3]
PAUSED = icon.PAUSED[:3]
#: The host bar is 30 px high along the bottom of the 1280x800 screen; icons sit at its end.
HOST_AREA = (1100, 770, 1280, 800)


@pytest.fixture(scope="module")
def sni_desktop() -> Iterator[DesktopSession]:
    """A desktop whose only tray is the SNI one (no trayer, so no XEmbed fallback)."""
    with started(DesktopSession(tray=False, notification_daemon=False, sni_tray=True), DesktopError) as session:
        yield session


@pytest.fixture()
def app(sni_desktop: DesktopSession) -> Iterator[TrayProcess]:
    """The tray app with no backend named: it must pick the SNI tray by itself."""
    process = TrayProcess(sni_desktop, sys.executable, None)
    try:
        assert process.expect("READY") == "READY sni"
        yield process
    finally:
        process.stop()


def bus(desktop: DesktopSession) -> DBusConnection:
    return open_dbus_connection(bus=desktop.env["DBUS_SESSION_BUS_ADDRESS"])


def item_name(app: TrayProcess) -> str:
    return f"org.kde.StatusNotifierItem-{app.proc.pid}-1"


def wait_registered(desktop: DesktopSession, name: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while name not in desktop.sni_items():
        assert time.monotonic() < deadline, f"{name} never registered: {desktop.sni_items()}"
        time.sleep(0.05)


def host_pixels(desktop: DesktopSession, name: str) -> Any:
    """The host's corner of the screen, saved under `name` in the screenshot folder."""
    from PIL import Image

    SHOTS.mkdir(exist_ok=True)
    path = desktop.screenshot(SHOTS / f"{name}-screen.png")
    crop = Image.open(path).convert("RGB").crop(HOST_AREA)
    crop.save(SHOTS / f"{name}.png")
    return crop


def rgb_pixels(image: Any) -> list[tuple[int, int, int]]:
    data = image.convert("RGB").tobytes()
    return [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]


def count_near(image: Any, colour: tuple[int, int, int], tolerance: int = 30) -> int:
    return sum(1 for pixel in rgb_pixels(image)
               if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour)))


def wait_for_pixels(desktop: DesktopSession, name: str, colour: tuple[int, int, int],
                    present: bool, timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        crop = host_pixels(desktop, name)
        if (count_near(crop, colour) > 20) == present:
            return crop
        assert time.monotonic() < deadline, \
            f"colour {colour} {'never appeared' if present else 'stayed'} in the host ({name})"
        time.sleep(0.2)


def icon_centre(crop: Any, colour: tuple[int, int, int]) -> tuple[int, int]:
    """Screen coordinates of the middle of the pixels near `colour` in the host crop."""
    points = [(i % crop.width, i // crop.width) for i, p in enumerate(rgb_pixels(crop))
              if all(abs(a - b) <= 30 for a, b in zip(p, colour))]
    xs = sorted(x for x, _ in points)
    ys = sorted(y for _, y in points)
    return HOST_AREA[0] + xs[len(xs) // 2], HOST_AREA[1] + ys[len(ys) // 2]


def menu_call(conn: DBusConnection, name: str, method: str, signature: str,
              body: tuple[Any, ...]) -> tuple[Any, ...]:
    address = DBusAddress("/MenuBar", bus_name=name, interface="com.canonical.dbusmenu")
    reply = conn.send_and_get_reply(new_method_call(address, method, signature, body),
                                    timeout=5)
    assert reply.header.message_type == MessageType.method_return, reply.body
    return tuple(reply.body)


def layout(conn: DBusConnection, name: str) -> list[dict[str, Any]]:
    """The menu's items as a host sees them: id plus properties (variants unwrapped)."""
    _revision, (_root, _props, children) = menu_call(conn, name, "GetLayout", "iias",
                                                     (0, -1, []))
    items = []
    for _sig, (item_id, props, _children) in children:
        items.append({"id": item_id, **{k: v[1] for k, v in props.items()}})
    return items


def click(conn: DBusConnection, name: str, item_id: int) -> None:
    menu_call(conn, name, "Event", "isvu", (item_id, "clicked", ("i", 0), 0))


def signals(desktop: DesktopSession, member: str, sender: str | None = None) -> int:
    """How many `member` signals the bus recorder has seen (from `sender`'s unique name)."""
    return sum(1 for m in desktop._messages()
               if m.header.message_type == MessageType.signal
               and m.header.fields.get(HeaderFields.member) == member
               and (sender is None or m.header.fields.get(HeaderFields.sender) == sender))


def unique_name(conn: DBusConnection, name: str) -> str:
    address = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                          interface="org.freedesktop.DBus")
    reply = conn.send_and_get_reply(new_method_call(address, "GetNameOwner", "s", (name,)),
                                    timeout=5)
    return str(reply.body[0])


def test_sni_icon_registers_shows_in_the_host_and_changes_with_the_state(
        sni_desktop: DesktopSession, app: TrayProcess) -> None:
    wait_registered(sni_desktop, item_name(app))
    deadline = time.monotonic() + 5  # the watcher's answer reaches the app just after
    while (seen := app.visibility()) != "True shown by a StatusNotifierItem host":
        assert time.monotonic() < deadline, seen
        time.sleep(0.05)
    # 42 of 60 minutes: the ring is amber (past two thirds), drawn by the host from our pixmap.
    sitting = wait_for_pixels(sni_desktop, "tray-sni-sitting", AMBER, present=True)
    with bus(sni_desktop) as conn:
        sender = unique_name(conn, item_name(app))
    icons_before = signals(sni_desktop, "NewIcon", sender)
    app.update(paused=True, status_line="Paused until 14:30")
    paused = wait_for_pixels(sni_desktop, "tray-sni-paused", AMBER, present=False)
    # The two grey bars: far more of the paused grey than the thin grey track had.
    assert count_near(paused, PAUSED, 10) > count_near(sitting, PAUSED, 10) + 30, \
        "the paused icon's bars are not in the host"
    assert signals(sni_desktop, "NewIcon", sender) == icons_before + 1


def test_sni_menu_arrives_over_dbus_snooze_greyed_until_a_prompt_is_open(
        sni_desktop: DesktopSession, app: TrayProcess) -> None:
    name = item_name(app)
    wait_registered(sni_desktop, name)
    with bus(sni_desktop) as conn:
        items = layout(conn, name)
        labels = [i.get("label") for i in items if i.get("type") != "separator"]
        assert labels[:4] == ["Sitting 42 min", "Start a break now", "Snooze", "Skip"]
        by_label = {i.get("label"): i for i in items}
        assert by_label["Snooze"]["enabled"] is False and by_label["Skip"]["enabled"] is False
        assert by_label["Sitting 42 min"]["enabled"] is False
        # A click on a greyed entry does nothing; a click on Pause 30 min arrives.
        click(conn, name, by_label["Snooze"]["id"])
        click(conn, name, by_label["Pause 30 min"]["id"])
        assert app.expect("COMMAND") == "COMMAND pause 30m"
        # A prompt opens: Snooze and Skip answer now, and the host is told.
        sender = unique_name(conn, name)
        updates_before = signals(sni_desktop, "ItemsPropertiesUpdated", sender)
        app.update(prompt_open=True)
        deadline = time.monotonic() + 5
        while signals(sni_desktop, "ItemsPropertiesUpdated", sender) == updates_before:
            assert time.monotonic() < deadline, "no ItemsPropertiesUpdated after the change"
            time.sleep(0.05)
        by_label = {i.get("label"): i for i in layout(conn, name)}
        assert by_label["Snooze"]["enabled"] is True
        # The item itself asks for attention while the prompt waits.
        item = DBusAddress("/StatusNotifierItem", bus_name=name,
                           interface="org.kde.StatusNotifierItem")
        reply = conn.send_and_get_reply(Properties(item).get("Status"), timeout=5)
        assert reply.body[0] == ("s", "NeedsAttention")
        assert signals(sni_desktop, "NewStatus", sender) >= 1
        click(conn, name, by_label["Snooze"]["id"])
        assert app.expect("COMMAND") == "COMMAND snooze"
        # Outside working hours the first line says so instead of counting down.
        app.update(prompt_open=False, in_working_hours=False)
        first = layout(conn, name)[0]
        assert first["label"] == "Outside working hours: no breaks until they start"


def test_sni_host_opens_our_menu_on_a_click_and_a_choice_arrives(
        sni_desktop: DesktopSession, app: TrayProcess) -> None:
    wait_registered(sni_desktop, item_name(app))
    crop = wait_for_pixels(sni_desktop, "tray-sni-icon", AMBER, present=True)
    x, y = icon_centre(crop, AMBER)
    menu = None
    for _attempt in range(3):
        sni_desktop.xdotool("mousemove", str(x), str(y), "click", "3")
        try:
            menu = find_host_menu(sni_desktop, timeout=2)
            break
        except AssertionError:
            continue
    assert menu is not None, "clicking the icon in the SNI host never opened a menu"
    time.sleep(0.3)  # let GTK finish laying the menu out
    SHOTS.mkdir(exist_ok=True)
    sni_desktop.run(["import", "-window", str(menu), str(SHOTS / "tray-menu-sni.png")],
                    timeout=20)
    # GTK menu rows are ~25 px: status, sep, 3 items, sep, Pause 30 min at about y=118.
    sni_desktop.xdotool("mousemove", "--window", str(menu), "60", "118", "click", "1")
    assert app.expect("COMMAND") == "COMMAND pause 30m"


def find_host_menu(desktop: DesktopSession, timeout: float) -> int:
    """The host's popup menu: a visible gtk-sni-tray window taller than the bar."""
    deadline = time.monotonic() + timeout
    while True:
        for window in desktop.run(["xdotool", "search", "--onlyvisible", "--name",
                                   "gtk-sni-tray"], check=False).stdout.split():
            box = desktop.geometry(window)
            if box["HEIGHT"] > 100 and box["WIDTH"] > 100:
                return int(window)
        if time.monotonic() > deadline:
            raise AssertionError("no host menu appeared")
        time.sleep(0.05)
