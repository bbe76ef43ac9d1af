"""One figure description (config/figures/<id>.yaml) -> one `Drawing`: start and end panels.

A description names a view (side, front, back), a setting (seated, standing), a frame (how
much of the body is shown), props, two poses, and arrows. Arrows are drawn from a landmark of the
start pose to the same (or another) landmark of the end pose, so they follow the movement; an
`arc` arrow circles a landmark (turning, rolling); a `push` arrow shows effort without movement.
The end panel shows the start pose faintly behind the end pose unless `ghost: false`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from deskbreak.figures.pose import (
    FLOOR_Y,
    GHOST,
    PANEL_W,
    SOLID,
    Body,
    add,
    build,
)
from deskbreak.figures.shapes import Circle, Drawing, Line, Point, Polygon, Shape, Text

ARROW = "#c2410c"
ARROW_W = 3.4
PROP = "#9aa5b1"
PROP_LIGHT = "#d5dbe1"
LABEL = "#334155"
LABEL_SIZE = 11.5
LABEL_BAND = 18.0
#: Crop boxes (x, y, width, height) in panel units: how much of the figure each frame shows.
FRAMES: dict[str, tuple[float, float, float, float]] = {
    "full": (8.0, 4.0, 184.0, 208.0),
    "upper": (38.0, 30.0, 124.0, 128.0),
    "head": (48.0, 22.0, 104.0, 84.0),
}
VIEWS = ("side", "front", "back")
SETTINGS = ("seated", "standing")


class FigureError(ValueError):
    """A figure description that cannot be drawn; the message says which part."""


def compose(spec: Mapping[str, Any], title: str = "") -> Drawing:
    """The drawing for a validated description: one panel per entry of `panels`."""
    view = spec.get("view", "side")
    setting = spec.get("setting", "seated")
    if view not in VIEWS:
        raise FigureError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
    if setting not in SETTINGS:
        raise FigureError(f"setting must be one of {', '.join(SETTINGS)}, not {setting!r}")
    frame_name = spec.get("frame", "full")
    if isinstance(frame_name, list) and len(frame_name) == 4:
        frame = tuple(float(v) for v in frame_name)  # an explicit crop box
    elif frame_name in FRAMES:
        frame = FRAMES[frame_name]
    else:
        raise FigureError(f"frame must be one of {', '.join(FRAMES)} or [x, y, width, height],"
                          f" not {frame_name!r}")
    poses = {"start": spec.get("start", {}), "end": spec.get("end", spec.get("start", {}))}
    panels: Sequence[str] = spec.get("panels", ["start", "end"])
    labels: Sequence[str] = spec.get("labels", [p.capitalize() for p in panels])
    if len(labels) != len(panels):
        raise FigureError("labels must name every panel")
    bodies = {name: build(view, setting, pose, SOLID) for name, pose in poses.items()}
    ghosts = {name: build(view, setting, pose, GHOST) for name, pose in poses.items()}
    x0, y0, fw, fh = frame
    # Labels keep one size on screen whatever the crop, since figures are shown at one height.
    k = fh / FRAMES["upper"][3]
    band = LABEL_BAND * k
    shapes: list[Shape] = []
    for index, (panel, label) in enumerate(zip(panels, labels)):
        dx = index * fw - x0
        dy = band - y0
        content: list[Shape] = []
        content += _props(spec.get("props", []), view, setting, bodies[panel], panel)
        if panel == "end" and "start" in panels and spec.get("ghost", True):
            content += ghosts["start"].shapes
        content += bodies[panel].shapes
        if panel == panels[-1] or spec.get("arrows_on") == panel:
            for arrow in spec.get("arrows", []):
                content += _arrow(arrow, bodies)
        for mark in spec.get("marks", []):
            if mark.get("panel", panels[-1]) == panel:
                content += _mark(mark, bodies[panel])
        shapes += [_shift(s, dx, dy, (x0, y0, fw, fh)) for s in content]
        shapes.append(Text((index * fw + fw / 2, band - 5 * k), label, LABEL_SIZE * k, LABEL,
                           bold=True))
        if index:
            shapes.append(Line(((index * fw, band + 4), (index * fw, band + fh - 4)),
                               1.0 * k, PROP_LIGHT))
    return Drawing(width=fw * len(panels), height=fh + band, shapes=tuple(shapes),
                   title=title)


def _shift(shape: Shape, dx: float, dy: float, clip: tuple[float, float, float, float]
           ) -> Shape:
    def move(p: Point) -> Point:
        return (p[0] + dx, p[1] + dy)

    if isinstance(shape, Line):
        return Line(tuple(move(p) for p in shape.points), shape.width, shape.colour, shape.dash)
    if isinstance(shape, Circle):
        return Circle(move(shape.centre), shape.radius, shape.fill, shape.stroke, shape.width)
    if isinstance(shape, Polygon):
        return Polygon(tuple(move(p) for p in shape.points), shape.fill, shape.stroke,
                       shape.width)
    return Text(move(shape.at), shape.text, shape.size, shape.colour, shape.anchor, shape.bold)


def _where(ref: Any, body: Body) -> Point:
    """A point named by a landmark, a [landmark, dx, dy] triple or plain [x, y]."""
    if isinstance(ref, str):
        return body.point(ref)
    if isinstance(ref, Sequence) and len(ref) == 3 and isinstance(ref[0], str):
        return add(body.point(ref[0]), (float(ref[1]), float(ref[2])))
    if isinstance(ref, Sequence) and len(ref) == 2:
        return (float(ref[0]), float(ref[1]))
    raise FigureError(f"cannot place {ref!r}: name a landmark, [landmark, dx, dy] or [x, y]")


def _arrow(spec: Mapping[str, Any], bodies: Mapping[str, Body]) -> list[Shape]:
    colour = spec.get("colour", ARROW)
    if "arc" in spec:
        arc = spec["arc"]
        centre = _where(arc["centre"], bodies[arc.get("pose", "end")])
        rx, ry = float(arc["rx"]), float(arc.get("ry", arc["rx"]))
        first, last = float(arc["from"]), float(arc["to"])
        steps = max(8, int(abs(last - first) / 4))
        points = [(centre[0] + rx * math.cos(math.radians(first + (last - first) * i / steps)),
                   centre[1] + ry * math.sin(math.radians(first + (last - first) * i / steps)))
                  for i in range(steps + 1)]
        return _with_heads(points, colour, both=spec.get("both", False))
    if "push" in spec:
        push = spec["push"]
        at = _where(push["at"], bodies[push.get("pose", "end")])
        dx, dy = (float(v) for v in push["direction"])
        norm = math.hypot(dx, dy) or 1.0
        length = float(push.get("length", 16))
        tail = (at[0] - dx / norm * length, at[1] - dy / norm * length)
        return _with_heads([tail, at], colour, both=False)
    start = _where(spec["from"], bodies[spec.get("from_pose", "start")])
    end = _where(spec["to"], bodies[spec.get("to_pose", "end")])
    offset = spec.get("offset", (0, 0))
    start, end = add(start, offset), add(end, offset)
    trim = float(spec.get("trim", 0))
    length = math.dist(start, end) or 1.0
    if trim:
        ux, uy = (end[0] - start[0]) / length, (end[1] - start[1]) / length
        start, end = (start[0] + ux * trim, start[1] + uy * trim), (end[0] - ux * trim,
                                                                    end[1] - uy * trim)
    if "min_length" in spec and length < float(spec["min_length"]):
        # A small movement still gets a readable arrow, centred on the real one.
        grow = (float(spec["min_length"]) - length) / 2 / length
        ux, uy = end[0] - start[0], end[1] - start[1]
        start, end = (start[0] - ux * grow, start[1] - uy * grow), (end[0] + ux * grow,
                                                                    end[1] + uy * grow)
    bend = float(spec.get("bend", 0))
    mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    normal = (-(end[1] - start[1]), end[0] - start[0])
    control = (mid[0] + normal[0] * bend, mid[1] + normal[1] * bend)
    points = [_bezier(start, control, end, i / 16) for i in range(17)]
    return _with_heads(points, colour, both=spec.get("both", False))


def _bezier(a: Point, c: Point, b: Point, t: float) -> Point:
    u = 1 - t
    return (u * u * a[0] + 2 * u * t * c[0] + t * t * b[0],
            u * u * a[1] + 2 * u * t * c[1] + t * t * b[1])


def _with_heads(points: list[Point], colour: str, both: bool) -> list[Shape]:
    """The shaft stops short of the tip so the round cap does not poke out of the head."""
    head = 9.0
    shapes: list[Shape] = []
    ends = [(points, -1)] + ([(points[::-1], -1)] if both else [])
    shaft = list(points)
    for run, _ in ends:
        tip = run[-1]
        # The direction of the last part of the curve, measured over about one head length.
        back = next((p for p in reversed(run[:-1]) if math.dist(p, tip) >= head * 0.8), run[0])
        ux, uy = tip[0] - back[0], tip[1] - back[1]
        n = math.hypot(ux, uy) or 1.0
        ux, uy = ux / n, uy / n
        base = (tip[0] - ux * head, tip[1] - uy * head)
        left = (base[0] - uy * head * 0.55, base[1] + ux * head * 0.55)
        right = (base[0] + uy * head * 0.55, base[1] - ux * head * 0.55)
        shapes.append(Polygon((tip, left, right), colour, colour, 1.0))
        if run is points:
            shaft = [p for p in shaft if math.dist(p, tip) > head * 0.7] or shaft[:1]
            shaft.append((tip[0] - ux * head * 0.7, tip[1] - uy * head * 0.7))
        else:
            shaft = [p for p in shaft if math.dist(p, tip) > head * 0.7]
            shaft.insert(0, (tip[0] - ux * head * 0.7, tip[1] - uy * head * 0.7))
    return [Line(tuple(shaft), ARROW_W, colour), *shapes]


def _mark(spec: Mapping[str, Any], body: Body) -> list[Shape]:
    """Annotations: a dashed line of sight, a dashed guide, a small label."""
    kind = spec.get("kind", "guide")
    start = _where(spec["from"], body) if "from" in spec else None
    end = _where(spec["to"], body) if "to" in spec else None
    shapes: list[Shape] = []
    if kind in ("gaze", "guide") and start and end:
        colour = ARROW if kind == "gaze" else PROP
        shapes.append(Line((start, end), 1.8, colour, dash=(5.0, 4.0)))
    if "text" in spec:
        at = _where(spec["at"], body)
        shapes.append(Text(at, spec["text"], float(spec.get("size", 9.5)), LABEL,
                           anchor=spec.get("anchor", "middle")))
    return shapes


def _props(names: Sequence[Any], view: str, setting: str, body: Body, panel: str
           ) -> list[Shape]:
    """Furniture and surroundings, drawn behind the figure in light grey."""
    shapes: list[Shape] = []
    for entry in names:
        name, opts = (entry, {}) if isinstance(entry, str) else (entry["prop"], entry)
        if opts.get("panel", panel) != panel:
            continue
        if name == "floor":
            shapes.append(Line(((0, FLOOR_Y + 1), (PANEL_W, FLOOR_Y + 1)), 2, PROP_LIGHT))
        elif name == "chair" and view == "side":
            hip = body.point("hip")
            seat_y = hip[1] + 9
            back_top = float(opts.get("back_top", 84))
            shapes += [
                Line(((hip[0] - 16, seat_y), (hip[0] + 40, seat_y)), 5, PROP),
                Line(((hip[0] - 16, seat_y), (hip[0] - 16, FLOOR_Y)), 3, PROP),
                Line(((hip[0] + 34, seat_y), (hip[0] + 34, FLOOR_Y)), 3, PROP),
                Line(((hip[0] - 20, seat_y), (hip[0] - 14, back_top)), 5, PROP),
            ]
        elif name == "chair":
            pelvis = body.point("pelvis")
            seat_y = pelvis[1] + 12
            shapes += [
                Line(((pelvis[0] - 36, seat_y), (pelvis[0] + 36, seat_y)), 5, PROP),
                Line(((pelvis[0] - 32, seat_y), (pelvis[0] - 32, FLOOR_Y)), 3, PROP),
                Line(((pelvis[0] + 32, seat_y), (pelvis[0] + 32, FLOOR_Y)), 3, PROP),
            ]
        elif name == "wall":
            x = float(opts.get("x", 60))
            shapes.append(Line(((x, 20), (x, FLOOR_Y + 1)), 4, PROP))
        elif name == "door":
            x = float(opts.get("x", 80))
            shapes += [Line(((x, 10), (x, FLOOR_Y + 1)), 7, PROP),
                       Line(((x - 30, 10), (x + 30, 10)), 4, PROP_LIGHT)]
        elif name == "desk":
            x, y = float(opts.get("x", 128)), float(opts.get("y", 130))
            shapes += [Line(((x, y), (PANEL_W, y)), 5, PROP),
                       Line(((x + 60, y), (x + 60, FLOOR_Y)), 3, PROP)]
        elif name == "screen":
            x, top, bottom = float(opts["x"]), float(opts["top"]), float(opts["bottom"])
            shapes += [Line(((x, top), (x + 3, bottom)), 6, PROP),
                       Line(((x + 6, bottom + 4), (x + 6, float(opts.get("stand", bottom + 16)))),
                            4, PROP),
                       Line(((x - 6, float(opts.get("stand", bottom + 16))),
                             (x + 16, float(opts.get("stand", bottom + 16)))), 4, PROP)]
        elif name == "window":
            x, y, w, h = (float(v) for v in opts.get("box", (150, 40, 44, 56)))
            shapes += [Polygon(((x, y), (x + w, y), (x + w, y + h), (x, y + h)), "#eef4fa",
                               PROP, 2.5),
                       Line(((x + w / 2, y), (x + w / 2, y + h)), 2, PROP),
                       Line(((x, y + h / 2), (x + w, y + h / 2)), 2, PROP)]
        elif name == "band":
            anchor = _where(opts["anchor"], body)
            hands = [_where(h, body) for h in opts.get("hands", ["near_hand"])]
            for hand in hands:
                shapes.append(Line((anchor, hand), 2.5, "#5b8c5a"))
            shapes.append(Circle(anchor, 3.5, PROP))
        elif name == "post":
            x = float(opts.get("x", 180))
            shapes.append(Line(((x, 40), (x, FLOOR_Y + 1)), 6, PROP))
        else:
            raise FigureError(f"unknown prop {name!r}")
    return shapes
