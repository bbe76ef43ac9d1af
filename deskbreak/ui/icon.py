"""The tray icon image, drawn with Pillow for the exact pixel size the tray asks for.

    icon_image(view_or_state, size)      the image for a tray view (or an IconState), size px

Looks, each told apart by its SHAPE, so they read without colour (colour only adds to it):

* **sitting**: an empty grey track with a thick arc growing clockwise from 12 o'clock as the
  sitting bout grows toward the movement break (green, amber in the last third);
* **due**: a solid disc (red) with a white exclamation mark cut into it;
* **paused**: two tall, well separated bars, nothing else;
* **away**: a dotted ring, empty.

Crisp at every size: each icon is drawn at the requested size (16, 22, 24, 32 px, and 48 or 64
for HiDPI), never drawn large and scaled by the tray (that is what stretched the ring into an
oval). Edges are antialiased by supersampling coverage, with straight (not premultiplied) alpha:
an edge pixel keeps its full colour and only its alpha falls, so no dark fringe appears when a
tray composites it. For trays that cannot show alpha (pystray's plain X11 backend pastes the
icon onto black), `icon_image(..., background=(r, g, b))` blends the edges onto the tray's own
colour instead.

Pure functions; safe from any thread (the cache is `functools.lru_cache`, which is
thread-safe). The returned image is shared: callers must not modify it.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

#: Steps the ring fills in over one bout; more steps = smoother ring, more redraws.
LEVELS = 12
ICON_SIZE = 64
#: The sizes trays ask for: 16, 22, 24 and 32 px, and twice 24 or 32 on HiDPI screens.
TRAY_SIZES = (16, 22, 24, 32, 48, 64)
#: Samples per pixel along each axis for antialiased edges.
SUPERSAMPLE = 4
TRACK = (128, 128, 128, 255)
GREEN = (46, 160, 67, 255)
AMBER = (230, 150, 20, 255)
RED = (214, 48, 48, 255)
PAUSED = (120, 120, 128, 255)
AWAY = (150, 165, 180, 255)
MARK = (255, 255, 255, 255)
#: The share of the bout after which the ring turns amber.
AMBER_FROM = 2 / 3
Colour = tuple[int, int, int, int]


class IconMode(enum.Enum):
    """Which look the icon has."""

    #: Counting a sitting bout: the arc shows how far it is to the movement break.
    SITTING = "sitting"
    #: The movement break is due (or a prompt is open): a solid disc with an exclamation mark.
    DUE = "due"
    #: Prompts paused by the user: two bars.
    PAUSED = "paused"
    #: The user is away from the desk (idle, locked, asleep): a dotted ring.
    AWAY = "away"


@dataclass(frozen=True)
class IconState:
    """Everything the drawing depends on: the look and, when sitting, the filled steps."""

    mode: IconMode
    level: int = 0


def fill_level(sitting_seconds: float, limit_seconds: float) -> int:
    """How many of the `LEVELS` ring steps are filled (LEVELS once the break is due)."""
    if limit_seconds <= 0:
        return 0
    share = max(0.0, sitting_seconds) / limit_seconds
    return min(LEVELS, int(share * LEVELS))


def state_of(view: Any) -> IconState:
    """The icon state for a tray view, read by attribute so any view type works:

    `mode` ("sitting" / "due" / "paused" / "away", or an IconMode), `paused`, `away`, `due`
    (booleans), and the bout as `fraction` (0..1) or `sitting_seconds` with
    `bout_limit_seconds`. A bout at or past its limit is due.
    """
    if isinstance(view, IconState):
        return view
    mode = getattr(view, "mode", None)
    mode_name = getattr(mode, "value", mode)
    if getattr(view, "paused", False) or mode_name == "paused":
        return IconState(IconMode.PAUSED)
    if getattr(view, "away", False) or mode_name == "away":
        return IconState(IconMode.AWAY)
    fraction = getattr(view, "fraction", None)
    if fraction is not None:
        level = min(LEVELS, int(max(0.0, float(fraction)) * LEVELS))
    else:
        level = fill_level(float(getattr(view, "sitting_seconds", 0.0)),
                           float(getattr(view, "bout_limit_seconds", 3600.0)))
    if getattr(view, "due", False) or mode_name == "due" or level >= LEVELS:
        return IconState(IconMode.DUE, LEVELS)
    return IconState(IconMode.SITTING, level)


def icon_image(view: Any, size: int | None = None, *, paused: bool = False,
               away: bool = False, limit_seconds: float = 3600.0,
               background: tuple[int, int, int] | None = None) -> Image:
    """The icon for `view` (a tray view or an IconState) at `size` x `size` pixels.

    Equal states return the very same cached image. Also accepts the older call
    `icon_image(sitting_seconds, paused=..., away=..., limit_seconds=..., size=...)`.
    With `background`, the image is opaque RGB blended onto that colour (for trays
    without alpha); otherwise RGBA.
    """
    if isinstance(view, (int, float)) and not isinstance(view, bool):
        mode = IconMode.PAUSED if paused else IconMode.AWAY if away else IconMode.SITTING
        level = fill_level(view, limit_seconds) if mode is IconMode.SITTING else 0
        if mode is IconMode.SITTING and level >= LEVELS:
            mode = IconMode.DUE
        state = IconState(mode, level)
    else:
        state = state_of(view)
    pixels = size or ICON_SIZE
    if background is not None:
        return _flattened(state, pixels, background)
    return render(state.mode, state.level, pixels)


@functools.lru_cache(maxsize=32)
def _flattened(state: IconState, size: int, background: tuple[int, int, int]) -> Image:
    from PIL import Image

    base = Image.new("RGB", (size, size), background)
    base.paste(render(state.mode, state.level, size), mask=render(state.mode, state.level,
                                                                  size).getchannel("A"))
    return base


def _shapes(mode: IconMode, level: int, size: int) -> Callable[[float, float], Colour | None]:
    """The colour at a point of the icon (in pixels), or None for transparent."""
    centre = size / 2
    # Ring geometry: at least 2 px thick so the arc reads at 16 px.
    outer = size / 2 - max(0.5, size / 32)
    width = max(2.0, size * 0.17)
    inner = outer - width
    track_in, track_out = inner + width * 0.3, outer - width * 0.3  # the thin empty track

    if mode is IconMode.PAUSED:
        # Two bars, each about a fifth of the icon wide, with a gap as wide as one bar: at
        # 16 px that is 3 px bars with a 3 px gap. Whole pixels, so their edges stay sharp.
        bar_w = max(3, round(size * 0.2))
        gap = max(3, round(size * 0.18))
        bar_h = max(10, round(size * 0.72))
        left = (size - 2 * bar_w - gap) // 2
        top = (size - bar_h) // 2
        bars = ((left, left + bar_w), (left + bar_w + gap, left + 2 * bar_w + gap))

        def paused(x: float, y: float) -> Colour | None:
            if top <= y <= top + bar_h and any(a <= x <= b for a, b in bars):
                return PAUSED
            return None

        return paused

    if mode is IconMode.AWAY:
        dots = 8
        thin_in, thin_out = outer - max(1.5, size * 0.1), outer

        def away(x: float, y: float) -> Colour | None:
            radius = math.hypot(x - centre, y - centre)
            if thin_in <= radius <= thin_out:
                turn = (math.atan2(x - centre, centre - y) / (2 * math.pi)) % 1.0
                if (turn * dots) % 1.0 < 0.55:
                    return AWAY
            return None

        return away

    share = level / LEVELS
    fill = RED if mode is IconMode.DUE else AMBER if share >= AMBER_FROM else GREEN
    # The exclamation mark of "due": a bar and a dot, about a sixth of the icon wide.
    mark_w = max(2.0, round(size * 0.16))
    mark_left = centre - mark_w / 2
    bar_top, bar_bottom = round(size * 0.2), round(size * 0.56)
    dot_top = round(size * 0.56) + max(1, round(size * 0.08))
    dot_bottom = dot_top + mark_w

    def sitting(x: float, y: float) -> Colour | None:
        dx, dy = x - centre, y - centre
        radius = math.hypot(dx, dy)
        if mode is IconMode.DUE:
            if radius > outer:
                return None
            if mark_left <= x <= mark_left + mark_w and (
                    bar_top <= y <= bar_bottom or dot_top <= y <= dot_bottom):
                return MARK
            return fill
        if inner <= radius <= outer:
            turn = (math.atan2(dx, -dy) / (2 * math.pi)) % 1.0
            if turn < share:
                return fill
            if track_in <= radius <= track_out:
                return TRACK
        return None

    return sitting


@functools.lru_cache(maxsize=96)
def render(mode: IconMode, level: int, size: int = ICON_SIZE) -> Image:
    """Draw one icon at `size` px; cached, so each distinct (mode, level, size) is drawn once.

    Drawn pixel by pixel from the geometry, with SUPERSAMPLE x SUPERSAMPLE samples a pixel:
    alpha is the share of samples covered, colour the mean of the covered samples (straight
    alpha, no dark fringe). Not PIL.ImageDraw: that module alone added 1.5 MB to the resident
    size of the all-day service, and a few dozen small icons are cheap to draw.
    """
    from PIL import Image

    colour_at = _shapes(mode, level, size)
    samples = SUPERSAMPLE * SUPERSAMPLE
    offsets = [(i + 0.5) / SUPERSAMPLE for i in range(SUPERSAMPLE)]
    pixels: list[Colour] = []
    for row in range(size):
        for column in range(size):
            hits = [c for oy in offsets for ox in offsets
                    if (c := colour_at(column + ox, row + oy)) is not None]
            if not hits:
                pixels.append((0, 0, 0, 0))
                continue
            red = sum(c[0] for c in hits) // len(hits)
            green = sum(c[1] for c in hits) // len(hits)
            blue = sum(c[2] for c in hits) // len(hits)
            pixels.append((red, green, blue, round(255 * len(hits) / samples)))
    image = Image.new("RGBA", (size, size))
    image.putdata(pixels)
    return image


def icon_sheet(sizes: tuple[int, ...] = TRAY_SIZES, zoom: int = 1,
               background: tuple[int, int, int] = (236, 236, 236)) -> Image:
    """Every look at every size side by side (for the docs): columns are sitting at 0, 1/3,
    2/3 of the bout, due, paused and away; rows are the sizes; `zoom` enlarges with nearest-
    neighbour so single pixels can be inspected."""
    from PIL import Image

    states = [IconState(IconMode.SITTING, 0), IconState(IconMode.SITTING, LEVELS // 3),
              IconState(IconMode.SITTING, 2 * LEVELS // 3 + 1), IconState(IconMode.DUE, LEVELS),
              IconState(IconMode.PAUSED), IconState(IconMode.AWAY)]
    cell = max(sizes) + 8
    sheet = Image.new("RGB", (cell * len(states), cell * len(sizes)), background)
    for row, size in enumerate(sizes):
        for column, state in enumerate(states):
            image = render(state.mode, state.level, size)
            offset = (column * cell + (cell - size) // 2, row * cell + (cell - size) // 2)
            sheet.paste(image, offset, mask=image.getchannel("A"))
    if zoom > 1:
        sheet = sheet.resize((sheet.width * zoom, sheet.height * zoom), Image.Resampling.NEAREST)
    return sheet
