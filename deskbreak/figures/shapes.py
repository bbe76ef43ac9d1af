"""Drawing primitives shared by every figure, and the two renderers: SVG text and a Pillow image.

A figure is built once as a list of shapes in figure units (see `pose`); the renderers only
translate and scale, so the SVG in a report and the PNG in the guided window are the same drawing.
Curves are flattened to polylines before they get here, so both renderers draw exactly the same
points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

Point = tuple[float, float]

#: Pillow draws with hard edges; drawing this many times larger and shrinking smooths them.
SUPERSAMPLE = 4
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")


@dataclass(frozen=True)
class Line:
    """An open polyline with round caps and joins; `dash` is (on, off) in figure units."""

    points: tuple[Point, ...]
    width: float
    colour: str
    dash: tuple[float, float] | None = None


@dataclass(frozen=True)
class Circle:
    """A circle; `fill` "" means hollow, `stroke` "" means no outline."""

    centre: Point
    radius: float
    fill: str
    stroke: str = ""
    width: float = 0.0


@dataclass(frozen=True)
class Polygon:
    """A closed, filled polygon (arrow heads, the nose, shoulder blades)."""

    points: tuple[Point, ...]
    fill: str
    stroke: str = ""
    width: float = 0.0


@dataclass(frozen=True)
class Text:
    """A short label; `anchor` is start, middle or end, (x, y) is the baseline point."""

    at: Point
    text: str
    size: float
    colour: str
    anchor: str = "middle"
    bold: bool = False


Shape = Line | Circle | Polygon | Text


@dataclass(frozen=True)
class Drawing:
    """Shapes in figure units inside a `width` x `height` box, origin top left, y down."""

    width: float
    height: float
    shapes: tuple[Shape, ...]
    title: str = ""


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _points(points: Sequence[Point]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def to_svg(drawing: Drawing, width: float | None = None) -> str:
    """The drawing as a standalone <svg> element; `width` in CSS pixels (default: figure units).

    The height follows from the aspect ratio; the viewBox keeps it sharp at any size.
    """
    scale = (width / drawing.width) if width else 1.0
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(drawing.width)} '
        f'{_num(drawing.height)}" width="{_num(drawing.width * scale)}" '
        f'height="{_num(drawing.height * scale)}" role="img"'
        + (f' aria-label="{escape(drawing.title)}"' if drawing.title else "")
        + ">"
    ]
    if drawing.title:
        out.append(f"<title>{escape(drawing.title)}</title>")
    out.append(f'<rect width="{_num(drawing.width)}" height="{_num(drawing.height)}" '
               'fill="#ffffff"/>')
    for shape in drawing.shapes:
        if isinstance(shape, Line):
            dash = (f' stroke-dasharray="{_num(shape.dash[0])} {_num(shape.dash[1])}"'
                    if shape.dash else "")
            out.append(f'<polyline points="{_points(shape.points)}" fill="none" '
                       f'stroke="{shape.colour}" stroke-width="{_num(shape.width)}" '
                       f'stroke-linecap="round" stroke-linejoin="round"{dash}/>')
        elif isinstance(shape, Circle):
            stroke = (f' stroke="{shape.stroke}" stroke-width="{_num(shape.width)}"'
                      if shape.stroke else "")
            out.append(f'<circle cx="{_num(shape.centre[0])}" cy="{_num(shape.centre[1])}" '
                       f'r="{_num(shape.radius)}" fill="{shape.fill or "none"}"{stroke}/>')
        elif isinstance(shape, Polygon):
            stroke = (f' stroke="{shape.stroke}" stroke-width="{_num(shape.width)}" '
                      'stroke-linejoin="round"' if shape.stroke else "")
            out.append(f'<polygon points="{_points(shape.points)}" '
                       f'fill="{shape.fill or "none"}"{stroke}/>')
        else:
            weight = ' font-weight="bold"' if shape.bold else ""
            out.append(f'<text x="{_num(shape.at[0])}" y="{_num(shape.at[1])}" '
                       f'font-family="DejaVu Sans, Verdana, sans-serif" '
                       f'font-size="{_num(shape.size)}" fill="{shape.colour}" '
                       f'text-anchor="{shape.anchor}"{weight}>{escape(shape.text)}</text>')
    out.append("</svg>")
    return "".join(out)


def to_image(drawing: Drawing, width: int, background: str = "#ffffff") -> Image.Image:
    """The drawing as an RGB Pillow image `width` pixels wide, antialiased by supersampling."""
    from PIL import Image, ImageDraw

    height = max(1, round(width * drawing.height / drawing.width))
    scale = width / drawing.width * SUPERSAMPLE
    big = Image.new("RGB", (width * SUPERSAMPLE, height * SUPERSAMPLE), background)
    pen = ImageDraw.Draw(big)

    def px(point: Point) -> tuple[float, float]:
        return (point[0] * scale, point[1] * scale)

    for shape in drawing.shapes:
        if isinstance(shape, Line):
            for run in (_dashed(shape.points, shape.dash) if shape.dash else [shape.points]):
                _stroke(pen, [px(p) for p in run], shape.width * scale, shape.colour)
        elif isinstance(shape, Circle):
            cx, cy = px(shape.centre)
            r = shape.radius * scale
            box = (cx - r, cy - r, cx + r, cy + r)
            if shape.stroke:
                w = shape.width * scale
                outer = (cx - r - w / 2, cy - r - w / 2, cx + r + w / 2, cy + r + w / 2)
                pen.ellipse(outer, fill=shape.stroke)
                inner = (cx - r + w / 2, cy - r + w / 2, cx + r - w / 2, cy + r - w / 2)
                pen.ellipse(inner, fill=shape.fill or background)
            else:
                pen.ellipse(box, fill=shape.fill or None)
        elif isinstance(shape, Polygon):
            points = [px(p) for p in shape.points]
            pen.polygon(points, fill=shape.fill or None)
            if shape.stroke:
                _stroke(pen, [*points, points[0]], shape.width * scale, shape.stroke)
        else:
            font = _font(shape.size * scale, shape.bold)
            x, y = px(shape.at)
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[shape.anchor]
            pen.text((x, y), shape.text, fill=shape.colour, font=font, anchor=anchor)
    return big.resize((width, height), Image.Resampling.LANCZOS)


def _stroke(pen: ImageDraw.ImageDraw, points: list[tuple[float, float]], width: float,
            colour: str) -> None:
    """A polyline with round caps and joins (Pillow's own caps are square)."""
    w = max(1, round(width))
    if len(points) >= 2:
        pen.line(points, fill=colour, width=w, joint="curve")
    r = width / 2
    for x, y in (points[0], points[-1]) if len(points) >= 2 else points:
        pen.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _dashed(points: Sequence[Point], dash: tuple[float, float]) -> list[tuple[Point, ...]]:
    """Split a polyline into its visible dashes (what SVG's stroke-dasharray draws)."""
    on, off = dash
    runs: list[tuple[Point, ...]] = []
    current: list[Point] = [points[0]]
    drawing, left = True, on
    for a, b in zip(points, points[1:]):
        seg = math.dist(a, b)
        pos = 0.0
        while seg - pos > left:
            pos += left
            t = pos / seg
            cut = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            if drawing:
                current.append(cut)
                runs.append(tuple(current))
            current = [cut]
            drawing = not drawing
            left = on if drawing else off
        left -= seg - pos
        if drawing:
            current.append(b)
        else:
            current = [b]
    if drawing and len(current) > 1:
        runs.append(tuple(current))
    return runs


_FONTS: dict[tuple[int, bool], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}


def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    key = (max(1, round(size)), bold)
    if key not in _FONTS:
        try:
            _FONTS[key] = ImageFont.truetype(FONT_FILES[1 if bold else 0], key[0])
        except OSError:  # no DejaVu on this system: Pillow's own scalable font
            _FONTS[key] = ImageFont.load_default(key[0])
    return _FONTS[key]
