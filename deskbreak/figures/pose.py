"""A simple line figure posed by joint angles: side, front or back view, seated or standing.

Pure geometry: a pose (a dict of angles, from a figure description) becomes a `Body` with named
landmarks (chin, nose, occiput, hands...) and the shapes that draw it. Arrows in a description
name landmarks of the start and end poses, so the arrow always follows the movement drawn.

Conventions, in figure units (one panel is PANEL_W x PANEL_H, y grows downwards):
* side view: the person faces right. Angles in degrees from vertical; positive leans or tips
  forward (trunk, neck), head pitch positive = chin down (a nod), negative = chin up.
* front view: the person faces the viewer, so their right side is on the viewer's left.
  `tilt` positive brings the head's top to the viewer's right (the person's left ear towards their
  left shoulder); `turn` positive turns the face to the viewer's right (the person's left).
* back view: seen from behind; the person's right is on the viewer's right.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from deskbreak.figures.shapes import Circle, Line, Point, Polygon, Shape

PANEL_W = 200.0
PANEL_H = 220.0
HEAD_R = 15.0
TRUNK = 64.0
NECK = 17.0
UPPER_ARM = 33.0
FOREARM = 31.0
FLOOR_Y = 206.0


@dataclass(frozen=True)
class Ink:
    """The colours one pose is drawn in: `main` for the body, `far` for limbs further away."""

    main: str
    far: str
    head_fill: str
    hair: str


SOLID = Ink(main="#1f2a37", far="#7b8794", head_fill="#ffffff", hair="#52606d")
GHOST = Ink(main="#c3cbd5", far="#dde2e8", head_fill="#ffffff", hair="#dde2e8")

LIMB_W = 6.5
TRUNK_W = 10.0
NECK_W = 7.0
HEAD_LINE_W = 3.2
OUTLINE_W = 3.2


def rot(v: Point, degrees: float) -> Point:
    """`v` turned by `degrees`; positive turns clockwise on screen (y down)."""
    a = math.radians(degrees)
    return (v[0] * math.cos(a) - v[1] * math.sin(a), v[0] * math.sin(a) + v[1] * math.cos(a))


def add(a: Point, b: Point) -> Point:
    return (a[0] + b[0], a[1] + b[1])


def along(origin: Point, length: float, degrees_from_vertical: float) -> Point:
    """The point `length` above `origin` along a line leaning `degrees` to the right."""
    a = math.radians(degrees_from_vertical)
    return (origin[0] + length * math.sin(a), origin[1] - length * math.cos(a))


def down(origin: Point, length: float, degrees_forward: float) -> Point:
    """The point `length` below `origin` along a line swung `degrees` to the right."""
    a = math.radians(degrees_forward)
    return (origin[0] + length * math.sin(a), origin[1] + length * math.cos(a))


def reach(shoulder: Point, target: Point, prefer: str) -> tuple[Point, Point]:
    """Elbow and hand for a two-segment arm reaching `target`, elbow on the `prefer` side
    (back/front = smaller/larger x, up/down = smaller/larger y). Out of reach: arm straight."""
    dx, dy = target[0] - shoulder[0], target[1] - shoulder[1]
    d = math.hypot(dx, dy) or 1e-6
    d_eff = min(d, UPPER_ARM + FOREARM - 0.01)
    d_eff = max(d_eff, abs(UPPER_ARM - FOREARM) + 0.01)
    cos_a = (UPPER_ARM ** 2 + d_eff ** 2 - FOREARM ** 2) / (2 * UPPER_ARM * d_eff)
    a = math.degrees(math.acos(max(-1.0, min(1.0, cos_a))))
    unit = (dx / d, dy / d)
    candidates = [add(shoulder, rot((unit[0] * UPPER_ARM, unit[1] * UPPER_ARM), s * a))
                  for s in (1, -1)]
    key = {"back": lambda p: p[0], "front": lambda p: -p[0], "up": lambda p: p[1],
           "down": lambda p: -p[1], "left": lambda p: p[0], "right": lambda p: -p[0]}[prefer]
    elbow = min(candidates, key=key)
    ex, ey = target[0] - elbow[0], target[1] - elbow[1]
    e = math.hypot(ex, ey) or 1e-6
    hand = (elbow[0] + ex / e * FOREARM, elbow[1] + ey / e * FOREARM)
    return elbow, hand


@dataclass
class Body:
    """A posed figure: landmarks by name, and the shapes (back to front) that draw it."""

    landmarks: dict[str, Point] = field(default_factory=dict)
    shapes: list[Shape] = field(default_factory=list)

    def point(self, name: str) -> Point:
        """The landmark `name`; KeyError names the ones that exist."""
        try:
            return self.landmarks[name]
        except KeyError:
            raise KeyError(f"no landmark {name!r}; known: {', '.join(sorted(self.landmarks))}"
                           ) from None


def build(view: str, setting: str, pose: Mapping[str, Any], ink: Ink) -> Body:
    """The figure for one pose (a pose may override the setting: sitting, then standing)."""
    setting = str(pose.get("setting", setting))
    if view == "side":
        return _side(setting, pose, ink)
    if view in ("front", "back"):
        return _front(setting, pose, ink, back=view == "back")
    raise ValueError(f"view must be side, front or back, not {view!r}")


def _line(body: Body, points: list[Point], width: float, colour: str) -> None:
    body.shapes.append(Line(tuple(points), width, colour))


def _arm_from(body: Body, shoulder: Point, spec: Mapping[str, Any] | None,
              default: Mapping[str, Any]) -> tuple[Point, Point]:
    spec = spec or default
    if "elbow_at" in spec:
        # Both points given: an arm pointing towards or away from the viewer looks shorter
        # than it is (the upper arm of a forearm resting on a door frame, seen from the side).
        return _where_point(body, spec["elbow_at"]), _where_point(body, spec["hand"])
    if "hand" in spec:
        where = spec["hand"]
        base = body.point(where[0]) if isinstance(where[0], str) else (0.0, 0.0)
        target = (base[0] + float(where[-2]), base[1] + float(where[-1])) \
            if isinstance(where[0], str) else (float(where[0]), float(where[1]))
        return reach(shoulder, target, spec.get("elbow", "down"))
    elbow = down(shoulder, UPPER_ARM, float(spec.get("shoulder", 0)))
    hand = down(elbow, FOREARM, float(spec.get("shoulder", 0)) + float(spec.get("elbow", 0)))
    return elbow, hand


def _where_point(body: Body, ref: Any) -> Point:
    """A landmark plus an offset ([name, dx, dy]) or a plain [x, y]."""
    if isinstance(ref[0], str):
        base = body.point(ref[0])
        return (base[0] + float(ref[1]), base[1] + float(ref[2]))
    return (float(ref[0]), float(ref[1]))


# --- side view --------------------------------------------------------------------------------

def _side(setting: str, p: Mapping[str, Any], ink: Ink) -> Body:
    body = Body()
    seated = setting == "seated"
    trunk_angle = float(p.get("trunk", 0))
    hip = (84.0, 150.0) if seated else (92.0, 122.0)
    body.landmarks["hip"] = hip
    # Legs: seated, thigh forward and shin down; standing, thigh angle and knee bend per leg.
    legs: list[tuple[str, list[Point]]] = []
    if seated:
        knee = (hip[0] + 46, hip[1] + 2)
        ankle = (knee[0] + 2, FLOOR_Y - 4)
        body.landmarks.update(knee=knee, thigh=(hip[0] + 28, hip[1] - 5))
        legs.append((ink.main, [hip, knee, ankle, (ankle[0] + 14, ankle[1])]))
    else:
        leg_spec = p.get("legs", {})
        for name in ("far", "near"):
            thigh, bend = leg_spec.get(name, (0, 0))
            knee = down(hip, 42, float(thigh))
            ankle = down(knee, 42, float(thigh) - float(bend))
            legs.append((ink.far if name == "far" else ink.main,
                         [hip, knee, ankle, (ankle[0] + 13, ankle[1])]))
            body.landmarks[f"{name}_knee"] = knee
            body.landmarks[f"{name}_ankle"] = ankle
    c7 = along(hip, TRUNK, trunk_angle)
    shoulder = add(along(hip, TRUNK - 8, trunk_angle),
                   add(rot((2, 0), trunk_angle),
                       (float(p.get("shoulder_forward", 0)), -float(p.get("shrug", 0)))))
    body.landmarks.update(c7=c7, shoulder=shoulder)
    belly_out = float(p.get("belly", 0))
    bulge = float(p.get("round", 0))  # a rounded upper back (slumped)
    # The torso outline: (fraction of the way up the trunk, back offset, front offset).
    profile = ((0.0, -9, 10), (0.3, -9, 10 + belly_out), (0.55, -8 - bulge * 0.6, 9),
               (0.78, -8 - bulge, 11), (0.97, -6, 6))
    back_line = [add(along(hip, TRUNK * f, trunk_angle), rot((b, 0), trunk_angle))
                 for f, b, _ in profile]
    front_line = [add(along(hip, TRUNK * f, trunk_angle), rot((fr, 0), trunk_angle))
                  for f, _, fr in profile]
    torso = (*back_line, *reversed(front_line))
    body.landmarks.update(
        belly=front_line[1],
        chest=front_line[3],
        collarbone=add(front_line[4], rot((-1, 2), trunk_angle)),
        low_back=add(back_line[1], rot((0, 6), trunk_angle)),
        upper_back=back_line[3],
    )
    c1 = along(c7, NECK, float(p.get("neck", 10)))
    pitch = float(p.get("head", 0))
    head = add(c1, rot((3, -12), pitch))
    body.landmarks.update(c1=c1, head=head)
    for name, v in (("nose", (HEAD_R + 4, 0)), ("eye", (8, -4)), ("chin", (10, 13)),
                    ("forehead", (11, -10)), ("crown", (-2, -HEAD_R)),
                    ("occiput", (-HEAD_R + 1, 3)), ("ear", (-2, 1)), ("jaw", (3, 12))):
        body.landmarks[name] = add(head, rot(v, pitch))
    body.landmarks["top_of_screen_gaze"] = add(body.landmarks["eye"], (60, 0))

    arms = p.get("arms", {})
    default_rest = ({"shoulder": 8, "elbow": 62} if seated else {"shoulder": 4, "elbow": 10})

    def draw_arm(name: str, colour: str) -> None:
        s = shoulder if name == "near" else add(shoulder, (-2, -1))
        elbow, hand = _arm_from(body, s, arms.get(name), default_rest)
        body.landmarks[f"{name}_elbow"] = elbow
        body.landmarks[f"{name}_hand"] = hand
        _line(body, [s, elbow, hand], LIMB_W, colour)
        body.shapes.append(Circle(hand, 3.6, colour))

    # Back to front: far leg and arm, body, near leg, head, near arm.
    for colour, points in legs:
        if colour == ink.far:
            _line(body, points, LIMB_W, colour)
    draw_arm("far", ink.far)
    _line(body, [c7, c1], NECK_W, ink.main)
    for colour, points in legs:
        if colour != ink.far:
            _line(body, points, LIMB_W, colour)
    body.shapes.append(Polygon(torso, ink.head_fill, ink.main, OUTLINE_W))
    _side_head(body, head, pitch, float(p.get("jaw", 0)), ink)
    if p.get("tongue"):
        # The tongue resting on the roof of the mouth, behind the teeth.
        body.shapes.append(Line(tuple(add(head, rot(v, pitch)) for v in
                                      ((3, 6.5), (7, 3.5), (11.5, 3.8))), 2.0, "#b4534b"))
    draw_arm("near", ink.main)
    return body


def _side_head(body: Body, head: Point, pitch: float, jaw: float, ink: Ink) -> None:
    body.shapes.append(Circle(head, HEAD_R, ink.head_fill, ink.main, HEAD_LINE_W))
    nose = [add(head, rot(v, pitch)) for v in ((HEAD_R - 1.5, -5), (HEAD_R + 5, 1),
                                               (HEAD_R - 1, 3.5))]
    body.shapes.append(Polygon(tuple(nose), ink.head_fill, ink.main, 2.2))
    # Chin and jaw: a short line under the face that opens with `jaw` (hinged at the ear).
    hinge = add(head, rot((-1, 3), pitch))
    chin_tip = add(hinge, rot((12.5, 11), pitch + jaw))
    body.shapes.append(Line((add(head, rot((13.5, 6.5), pitch + jaw * 0.3)), chin_tip,
                             add(hinge, rot((4, 12.5), pitch + jaw))), 2.6, ink.main))
    body.landmarks["chin"] = chin_tip
    body.shapes.append(Circle(add(head, rot((8, -4), pitch)), 1.8, ink.main))
    body.shapes.append(Circle(add(head, rot((-3, 1), pitch)), 3.0, "", ink.main, 1.6))


# --- front and back views -----------------------------------------------------------------------

def _front(setting: str, p: Mapping[str, Any], ink: Ink, back: bool) -> Body:
    body = Body()
    seated = setting == "seated"
    cx = PANEL_W / 2
    pelvis = (cx, 150.0) if seated else (cx, 122.0)
    lean = float(p.get("lean", 0))
    twist = float(p.get("twist", 0))  # trunk rotation: the shoulder line shortens
    neck_base = along(pelvis, TRUNK, lean)
    half = 27 * math.cos(math.radians(twist))
    # Viewer's left (x smaller) is the person's right in front view, their left from behind.
    sides = {"right": -1, "left": 1} if not back else {"right": 1, "left": -1}
    shrug = p.get("shrug", 0)
    shrugs = shrug if isinstance(shrug, Mapping) else {"right": shrug, "left": shrug}
    retract = float(p.get("retract", 0))
    drop = float(p.get("depress", 0))
    shoulders: dict[str, Point] = {}
    for name, sign in sides.items():
        lift = float(shrugs.get(name, 0)) - drop
        shoulders[name] = add(neck_base, rot((sign * half, 7 - lift), lean))
    body.landmarks.update(pelvis=pelvis, neck_base=neck_base,
                          **{f"{n}_shoulder": s for n, s in shoulders.items()})
    hips = {n: add(pelvis, (s * 12, 0)) for n, s in sides.items()}
    for name, sign in sides.items():
        body.landmarks[f"{name}_collarbone"] = add(
            neck_base, rot((sign * half * 0.45, 9 - float(shrugs.get(name, 0)) * 0.5), lean))
        body.landmarks[f"{name}_hip"] = hips[name]
        body.landmarks[f"{name}_thigh"] = add(hips[name], (sign * 3, 16 if seated else 22))
        body.landmarks[f"{name}_waist"] = add(along(pelvis, TRUNK * 0.3, lean), (sign * 14, 0))
        body.landmarks[f"{name}_seat"] = add(pelvis, (sign * 30, 12))
    # Legs.
    for name, sign in sides.items():
        hip = hips[name]
        if seated:
            knee = add(hip, (sign * 6, 20))
            ankle = (knee[0], FLOOR_Y - 4)
            foot = (ankle[0] + sign * 7, ankle[1])
        else:
            knee = add(hip, (sign * 3, 42))
            ankle = add(knee, (0, 42))
            foot = (ankle[0] + sign * 7, ankle[1])
        _line(body, [hip, knee, ankle, foot], LIMB_W, ink.main)
    waists = {n: add(along(pelvis, TRUNK * 0.42, lean), (sg * 16, 0)) for n, sg in sides.items()}
    torso = (shoulders["right"], add(neck_base, rot((0, 3), lean)), shoulders["left"],
             add(shoulders["left"], rot((sides["left"] * -3, 14), lean)), waists["left"],
             add(hips["left"], (sides["left"] * 4, 3)), add(hips["right"], (sides["right"] * 4, 3)),
             waists["right"], add(shoulders["right"], rot((sides["right"] * -3, 14), lean)))
    body.shapes.append(Polygon(torso, ink.head_fill, ink.main, OUTLINE_W))
    if back:
        # Shoulder blades: they move towards the spine (retract) and down (depress).
        for name, sign in sides.items():
            top = add(neck_base, rot((sign * (11 - retract), 13 - float(shrugs.get(name, 0))
                                      + drop), lean))
            blade = (top, add(top, (sign * 16, 2)), add(top, (sign * 3, 26)))
            body.shapes.append(Polygon(blade, ink.head_fill, ink.main, 2.4))
            body.landmarks[f"{name}_blade"] = add(top, (sign * 5, 12))
    # Neck and head: the neck leans a little, the head tilts the whole way.
    tilt = float(p.get("tilt", 0))
    turn = float(p.get("turn", 0))
    pitch = float(p.get("head", 0))
    # From the front the chin hides the top of the neck, so less of it shows than from the side.
    c1 = along(neck_base, NECK * 0.65, lean + tilt * 0.45)
    head = add(c1, rot((0, -12), lean + tilt))
    body.landmarks.update(c1=c1, head=head)
    for name, sign in sides.items():
        body.landmarks[f"{name}_ear"] = add(head, rot((sign * HEAD_R, 0), lean + tilt))
        body.landmarks[f"{name}_side_of_head"] = add(head, rot((sign * (HEAD_R - 3), -7),
                                                               lean + tilt))
    body.landmarks["crown"] = add(head, rot((0, -HEAD_R), lean + tilt))
    body.landmarks["occiput"] = add(head, rot((0, 4), lean + tilt))
    # A hand on the back of the head is behind it: that arm is drawn first, so the head covers
    # the hand. The head's shapes go in a list of their own so they can be placed in between.
    head_shapes = Body(landmarks=body.landmarks)
    head_shapes.shapes.append(Line((neck_base, c1), NECK_W, ink.main))
    _front_head(head_shapes, head, lean + tilt, turn, pitch, back, ink)
    arms = p.get("arms", {})
    behind = [n for n in sides if (arms.get(n) or {}).get("behind_head")]
    order: list[str | None] = [*behind, None, *(n for n in sides if n not in behind)]
    for arm in order:
        if arm is None:
            body.shapes.extend(head_shapes.shapes)
            continue
        name = arm
        sign = sides[name]
        shoulder = shoulders[name]
        default = {"shoulder": sign * 9, "elbow": -sign * 5}
        spec = arms.get(name)
        if spec is not None and "elbow" in spec and spec["elbow"] == "out":
            spec = {**spec, "elbow": "left" if sign < 0 else "right"}
        elbow, hand = _arm_from(body, shoulder, spec, default)
        body.landmarks[f"{name}_elbow"] = elbow
        body.landmarks[f"{name}_hand"] = hand
        _line(body, [shoulder, elbow, hand], LIMB_W, ink.main)
        body.shapes.append(Circle(hand, 3.6, ink.main))
    return body


def _front_head(body: Body, head: Point, tilt: float, turn: float, pitch: float, back: bool,
                ink: Ink) -> None:
    """The head from the front (face features placed on a turning sphere) or from behind."""
    body.shapes.append(Circle(head, HEAD_R, ink.head_fill, ink.main, HEAD_LINE_W))

    def on_face(azimuth: float, height: float) -> tuple[Point, float]:
        # A point on the head's surface at `azimuth` (0 = the nose) and `height` (down +),
        # after turning by `turn` and nodding by `pitch`; returns it and how much it faces us.
        a = math.radians(azimuth + turn)
        drop = height + HEAD_R * 0.75 * math.sin(math.radians(pitch))
        x = HEAD_R * 0.92 * math.sin(a)
        facing = math.cos(a)
        return add(head, rot((x, drop), tilt)), facing

    if back:
        # Hair over the back of the head, with the hairline; no face.
        hair = [add(head, rot((HEAD_R * math.cos(math.radians(t)),
                               -HEAD_R * math.sin(math.radians(t)) * 1.0), tilt))
                for t in range(-10, 191, 10)]
        body.shapes.append(Polygon(tuple(hair), ink.hair))
        return
    for side in (-1, 1):
        ear, facing = on_face(side * 90, 1)
        if facing > -0.35:
            body.shapes.append(Circle(ear, 3.2, ink.head_fill, ink.main, 1.8))
    body.shapes.append(Circle(head, HEAD_R - HEAD_LINE_W / 2, ink.head_fill))
    for side in (-1, 1):
        eye, facing = on_face(side * 32, -3)
        if facing > 0.05:
            body.shapes.append(Circle(eye, 1.9, ink.main))
    nose_top, _ = on_face(0, -2)
    nose_tip, facing = on_face(0, 4)
    side_sign = 1 if turn >= 0 else -1
    nose_tip = add(nose_tip, (side_sign * 2.5 * (1 - facing) + 0.0, 0))
    body.shapes.append(Line((nose_top, nose_tip, add(nose_tip, (-side_sign * 2.5, 0.5))), 1.8,
                            ink.main))
    mouth = [on_face(a, 8.5)[0] for a in (-22, -8, 8, 22) if math.cos(math.radians(a + turn)) > 0]
    if len(mouth) >= 2:
        body.shapes.append(Line(tuple(mouth), 1.8, ink.main))
    body.landmarks["nose"] = nose_tip
    body.landmarks["chin"] = on_face(0, HEAD_R - 1)[0]
    body.landmarks["forehead"] = on_face(0, -10)[0]
