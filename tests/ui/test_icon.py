"""Tray icon images: distinct looks per state, cached so repeated updates cost nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from deskbreak.adapters.tray import TrayUnavailable, TrayView, choose_backend, menu_entries
from deskbreak.ui.icon import (
    LEVELS,
    TRAY_SIZES,
    IconMode,
    IconState,
    fill_level,
    icon_image,
    icon_sheet,
    state_of,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"


def pixels(image) -> bytes:
    return image.tobytes()


def test_same_state_returns_the_very_same_cached_image() -> None:
    assert icon_image(600, limit_seconds=3600) is icon_image(600, limit_seconds=3600)
    # Within one ring step the state is the same image too (no redraw every second).
    assert icon_image(601, limit_seconds=3600) is icon_image(600, limit_seconds=3600)


def test_ring_fills_as_the_bout_grows() -> None:
    levels = [icon_image(s, limit_seconds=3600) for s in (0, 900, 1800, 2700, 3600)]
    assert len({pixels(i) for i in levels}) == 5


def test_paused_and_away_look_different_from_sitting_and_from_each_other() -> None:
    sitting = icon_image(0)
    paused = icon_image(0, paused=True)
    away = icon_image(0, away=True)
    assert len({pixels(sitting), pixels(paused), pixels(away)}) == 3
    # Paused ignores the bout: nothing to count while paused.
    assert icon_image(3000, paused=True) is paused


def test_fill_level_is_quantised_and_capped() -> None:
    assert fill_level(0, 3600) == 0
    assert fill_level(1799, 3600) == LEVELS // 2 - 1
    assert fill_level(1800, 3600) == LEVELS // 2
    assert fill_level(99999, 3600) == LEVELS
    assert fill_level(100, 0) == 0


def test_icon_is_square_rgba_at_the_requested_size() -> None:
    image = icon_image(100, size=32)
    assert image.size == (32, 32) and image.mode == "RGBA"


def test_menu_offers_pause_when_running_and_resume_when_paused() -> None:
    def enabled(view: TrayView) -> dict[str, bool]:
        return {e.command: e.enabled for e in menu_entries(view) if e.command}

    running = enabled(TrayView(60, False, "Sitting 1 min", "t"))
    paused = enabled(TrayView(60, True, "Paused", "t"))
    assert running["pause 30m"] and not running["resume"]
    assert paused["resume"] and not paused["pause 1h"]
    assert menu_entries(TrayView(60, False, "Sitting 1 min", "t"))[0].label == "Sitting 1 min"
    commands = [e.command for e in menu_entries(TrayView(0, False, "s", "t")) if e.command]
    assert commands == ["break-now", "snooze", "skip", "pause 30m", "pause 1h", "pause today",
                        "resume", "summary", "open-report", "reload", "safety", "about",
                        "quit"]


def test_backend_choice_honours_the_environment_overrides() -> None:
    assert choose_backend({"DESKBREAK_TRAY_BACKEND": "xorg", "PYSTRAY_BACKEND": "gtk"}) == ["xorg"]
    assert choose_backend({"PYSTRAY_BACKEND": "gtk"}) == ["gtk"]
    with pytest.raises(TrayUnavailable, match="unknown tray backend 'qt'"):
        choose_backend({"DESKBREAK_TRAY_BACKEND": "qt"})


def test_without_a_display_the_tray_is_unavailable_with_a_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from deskbreak.adapters.tray import Tray

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(TrayUnavailable, match="DISPLAY is not set"):
        Tray(lambda _c: None, backend="xorg")


@dataclass(frozen=True)
class View:
    """A tray view as the tray adapter hands it over (only the attributes the icon reads)."""

    fraction: float = 0.0
    paused: bool = False
    away: bool = False
    mode: str = "sitting"


LOOKS = {
    "empty": View(0.0), "third": View(0.34), "two thirds": View(0.7), "due": View(1.0),
    "paused": View(paused=True), "away": View(away=True),
}


def rgba(image) -> list[tuple[int, ...]]:
    data = image.tobytes()
    step = len(image.getbands())
    return [tuple(data[i:i + step]) for i in range(0, len(data), step)]


def alpha_mask(image) -> list[bool]:
    return [a >= 128 for a in image.getchannel("A").tobytes()]


def grey_on_white(image) -> list[int]:
    from PIL import Image

    base = Image.new("RGB", image.size, (255, 255, 255))
    base.paste(image, mask=image.getchannel("A"))
    return list(base.convert("L").tobytes())


@pytest.mark.parametrize("size", TRAY_SIZES)
def test_every_look_is_drawn_at_the_tray_size_round_and_centred_not_stretched(size: int) -> None:
    """Issue 8 point 4: the ring was drawn once and stretched by the tray into an oval."""
    for name, view in LOOKS.items():
        image = icon_image(view, size)
        assert image.size == (size, size) and image.mode == "RGBA", name
        left, top, right, bottom = image.getchannel("A").getbbox()
        width, height = right - left, bottom - top
        if name in ("empty", "due", "away"):  # rings and the disc: round and centred
            assert abs(width - height) <= 1, (name, size, width, height)
            assert abs(left - (size - right)) <= 1 and abs(top - (size - bottom)) <= 1, name
        if name == "paused":
            assert abs(left - (size - right)) <= 1 and abs(top - (size - bottom)) <= 1, name


@pytest.mark.parametrize("size", TRAY_SIZES)
def test_every_look_has_its_own_shape_without_colour(size: int) -> None:
    """For colour-blind users: the looks differ in where the pixels are and how light they are
    in greyscale, not only in hue."""
    shapes = {name: (alpha_mask(icon_image(v, size)), grey_on_white(icon_image(v, size)))
              for name, v in LOOKS.items()}
    names = list(shapes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            differing = sum(x != y for x, y in zip(shapes[a][0], shapes[b][0]))
            grey_diff = sum(abs(x - y) > 60 for x, y in zip(shapes[a][1], shapes[b][1]))
            # Two fill levels of the same ring only need to differ by their arc.
            needed = size // 4 if {a, b} <= {"empty", "third", "two thirds"} else size
            assert max(differing, grey_diff) >= needed, (a, b, size)


@pytest.mark.parametrize("size", TRAY_SIZES)
def test_paused_is_two_clearly_separated_bars(size: int) -> None:
    """Issue 8 point 4: paused looked like an "I" in a disc."""
    image = icon_image(View(paused=True), size)
    alpha = image.getchannel("A")
    row = [alpha.getpixel((x, size // 2)) >= 128 for x in range(size)]
    runs, gaps, previous = [], [], False
    for x, on in enumerate(row):
        if on and not previous:
            runs.append(x)
        if not on and previous:
            gaps.append(x)
        previous = on
    assert len(runs) == 2, row
    gap = runs[1] - gaps[0]
    assert gap >= 3 and gap >= size // 6, (size, gap)
    # Nothing else: no ring around the bars.
    assert alpha.getpixel((size // 2, 1)) == 0 and alpha.getpixel((1, size // 2)) == 0


def test_due_is_a_solid_disc_with_a_light_mark_in_greyscale() -> None:
    image = icon_image(View(1.0), 24)
    grey = grey_on_white(image)
    centre_column = [grey[y * 24 + 12] for y in range(24)]
    # Going down the middle: dark disc, light mark, dark gap, light dot, dark disc.
    assert max(centre_column[6:12]) > 200 and min(centre_column[2:5]) < 140


@pytest.mark.parametrize("size", TRAY_SIZES)
def test_edges_keep_their_colour_so_no_dark_fringe_appears(size: int) -> None:
    """Issue 8 point 4: black fringes. Straight alpha: an edge pixel keeps its colour and only
    its alpha falls; flattened for a tray without alpha, edges blend into the tray's colour."""
    for name, view in LOOKS.items():
        image = icon_image(view, size)
        for r, g, b, a in rgba(image):
            if a:
                assert max(r, g, b) >= 110, (name, size, (r, g, b, a))
        flat = icon_image(view, size, background=(232, 232, 232))
        assert flat.mode == "RGB"
        assert min(max(p) for p in rgba(flat)) >= 110, (name, size)


def test_a_view_is_read_by_attribute_and_a_full_bout_is_due() -> None:
    assert state_of(View(0.5)) == IconState(IconMode.SITTING, LEVELS // 2)
    assert state_of(View(1.0)).mode is IconMode.DUE
    assert state_of(View(0.2, mode="due")).mode is IconMode.DUE
    assert state_of(View(0.9, paused=True)).mode is IconMode.PAUSED
    assert state_of(View(0.9, away=True)).mode is IconMode.AWAY
    assert icon_image(View(0.5), 24) is icon_image(IconState(IconMode.SITTING, LEVELS // 2), 24)


def test_the_icon_sheet_in_the_docs_is_current() -> None:
    """docs/tray-icons.png: every look at 16, 22, 24, 32, 48 and 64 px at real size, and
    docs/tray-icons-zoomed.png the small sizes enlarged six times, pixel for pixel."""
    real, zoomed = icon_sheet(), icon_sheet(sizes=(16, 22, 24, 32), zoom=6)
    DOCS.mkdir(exist_ok=True)
    real.save(DOCS / "tray-icons.png", optimize=True)
    zoomed.save(DOCS / "tray-icons-zoomed.png", optimize=True)
    assert real.size == (6 * 72, 6 * 72)
