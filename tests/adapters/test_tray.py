"""The tray's model (menu, first line), its backend choice, the SNI pixmap
format and the pystray internals it relies on. No display needed."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from deskbreak.adapters.tray import (
    TrayView,
    _pystray,
    choose_backend,
    headline,
    menu_entries,
    tooltip,
)

SITTING = TrayView(2520, False, "Sitting 42 min, neck mobility in 8 min",
                   "Sitting 42 min, neck mobility in 8 min")


def enabled(view: TrayView) -> dict[str, bool]:
    return {e.command: e.enabled for e in menu_entries(view) if e.command}


def test_snooze_and_skip_are_greyed_out_without_an_open_prompt() -> None:
    assert not enabled(SITTING)["snooze"] and not enabled(SITTING)["skip"]
    with_prompt = TrayView(2520, False, "s", "t", prompt_open=True)
    assert enabled(with_prompt)["snooze"] and enabled(with_prompt)["skip"]
    # Paused: no prompt can be answered (and a pause closes the open one).
    paused = TrayView(2520, True, "Paused", "t", prompt_open=True)
    assert not enabled(paused)["snooze"] and not enabled(paused)["skip"]
    # Starting a break, the summary, the report and quitting always answer.
    for view in (SITTING, paused):
        assert all(enabled(view)[c] for c in ("break-now", "summary", "open-report", "reload",
                                              "quit"))


def test_first_line_never_counts_down_outside_working_hours_or_while_paused() -> None:
    evening = TrayView(0, False, "Sitting 0 min, movement break in 60 min", "same",
                       in_working_hours=False)
    assert headline(evening) == "Outside working hours: no breaks until they start"
    assert menu_entries(evening)[0].label == headline(evening)
    assert tooltip(evening) == headline(evening)
    paused = TrayView(0, True, "Paused until 14:30", "Paused until 14:30",
                      in_working_hours=False)
    assert headline(paused) == "Paused until 14:30"
    # A paused view whose line still counts down is corrected, not believed.
    assert headline(TrayView(0, True, "Sitting 3 min, eye break in 5 min", "t")) == "Paused"
    assert headline(SITTING) == SITTING.status_line
    assert not menu_entries(SITTING)[0].enabled


def test_sni_is_chosen_when_a_watcher_is_on_the_bus_else_xembed() -> None:
    assert choose_backend({}, has_watcher=lambda: True) == ["sni"] or sys.platform != "linux"
    without = choose_backend({}, has_watcher=lambda: False)
    assert "sni" not in without and without[-1] in ("xorg", "win32", "darwin")
    assert choose_backend({"DESKBREAK_TRAY_BACKEND": "sni"}, has_watcher=lambda: False) == \
        ["sni"]
    # An explicit pystray choice wins over a watcher.
    assert choose_backend({"PYSTRAY_BACKEND": "xorg"}, has_watcher=lambda: True) == ["xorg"]


def test_sni_pixmap_is_argb32_in_network_byte_order() -> None:
    from PIL import Image

    from deskbreak.adapters.tray.sni import argb_pixmap

    image = Image.new("RGBA", (2, 1), (10, 20, 30, 40))
    image.putpixel((1, 0), (200, 100, 50, 255))
    width, height, data = argb_pixmap(image)
    assert (width, height) == (2, 1)
    assert data == bytes([40, 10, 20, 30, 255, 200, 100, 50])


def test_sni_pixmaps_are_drawn_for_every_size_from_the_icon_code() -> None:
    from deskbreak.adapters.tray.sni import PIXMAP_SIZES, view_pixmaps

    pixmaps = view_pixmaps(SITTING)
    assert [(w, h) for w, h, _ in pixmaps] == [(s, s) for s in PIXMAP_SIZES]
    assert all(len(data) == 4 * w * h for w, h, data in pixmaps)


def test_backend_choice_leaves_the_process_environment_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading pystray's backend no longer sets PYSTRAY_BACKEND (it did, briefly, for the
    whole process); the module never writes os.environ at all."""
    source = Path(_pystray.__file__).read_text() + Path(
        _pystray.__file__).with_name("pystray_tray.py").read_text()
    assert not re.search(r"os\.environ\[|os\.environ\.(pop|update|setdefault)|putenv", source)
    monkeypatch.delenv("PYSTRAY_BACKEND", raising=False)
    before = dict(__import__("os").environ)
    # The dummy backend loads anywhere; the package is set up without its __init__.
    for name in [k for k in sys.modules if k == "pystray" or k.startswith("pystray.")]:
        monkeypatch.delitem(sys.modules, name)
    module = _pystray.load_backend("dummy")
    assert module.__name__ == "pystray._dummy"
    assert sys.modules["pystray"].Icon is module.Icon
    assert dict(__import__("os").environ) == before


def test_installed_pystray_is_the_tested_one_and_has_every_internal_we_use() -> None:
    version = _pystray.installed_version()
    assert version is not None, "pystray is not installed"
    assert _pystray.version_tested(version), (
        f"pystray {version} is outside the tested range {_pystray.TESTED_VERSIONS}: check "
        "deskbreak/adapters/tray/_pystray.py against it, then widen the range there and in "
        "pyproject.toml")
    missing = _pystray.check_internals()
    assert not missing, ("pystray changed internals deskbreak's tray relies on: "
                         + ", ".join(missing))


def test_the_internals_check_notices_a_renamed_method(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    package = _pystray._package_dir()
    fake = tmp_path / "pystray"
    fake.mkdir()
    (fake / "_base.py").write_text((package / "_base.py").read_text())
    (fake / "_xorg.py").write_text(
        (package / "_xorg.py").read_text().replace("def _dock_window(", "def _dock("))
    monkeypatch.setattr(_pystray, "_package_dir", lambda: fake)
    assert _pystray.check_internals() == ["_xorg.Icon._dock_window"]
    assert not _pystray.version_tested("0.20.0") and _pystray.version_tested("0.19.5")


def test_when_to_get_help_is_a_menu_entry_that_opens_the_safety_card_window(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from deskbreak.adapters.tray import local
    from deskbreak.adapters.tray.model import MENU_WORDS

    entries = {e.label: e for e in menu_entries(SITTING)}
    help_entry = entries["When to get help"]
    # Always answers (paused or not), and the tray carries it out itself, not the service.
    assert help_entry.enabled
    assert all(e.enabled for e in menu_entries(TrayView(0, True, "Paused", "t"))
               if e.label == "When to get help")
    assert help_entry.command in local.LOCAL_COMMANDS and help_entry.command in MENU_WORDS
    labels = [e.label for e in menu_entries(SITTING)]
    assert labels[-3:] == ["When to get help", "About deskbreak", "Quit"]
    started: list[list[str]] = []
    monkeypatch.setattr(local.subprocess, "Popen",
                        lambda argv, **_kw: started.append(list(argv)))
    local.run_local(help_entry.command)
    assert started == [[sys.executable, "-m", "deskbreak.ui.safety_window"]]


def test_the_words_that_point_to_the_safety_entry_name_the_real_menu_label() -> None:
    from deskbreak.core.safety import SCREEN_LINE
    from deskbreak.paths import user_paths
    from deskbreak.ui.welcome_window import _safety_line, sections

    label = next(e.label for e in menu_entries(SITTING) if e.command == "safety")
    assert SCREEN_LINE.endswith(f"Tray menu: {label}.")
    # The welcome's "Take care" carries the guided screens' line, so it names the entry too.
    take_care = next(s for s in sections(None, "p.yaml", user_paths(), _safety_line())
                     if s.heading == "Take care")
    assert any(f"Tray menu: {label}." in line for line in take_care.lines)
