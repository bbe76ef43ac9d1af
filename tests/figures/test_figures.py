"""Every library exercise has a figure that draws, in SVG and PNG, with the movement visible."""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from PIL import Image

from deskbreak.figures import figure, figure_ids, figures_dir, png_bytes, to_svg
from deskbreak.figures.compose import ARROW
from deskbreak.figures.pose import SOLID, build
from deskbreak.figures.sheet import main as sheet_main
from deskbreak.library import library_dir

#: The library ids agreed for this release: the figure set must cover every one of them.
LIBRARY_IDS = (
    "chin-tuck doorway-chest-stretch eye-break levator-scapulae-stretch neck-rotation "
    "neck-side-bend scalene-stretch scapular-setting scm-stretch shoulder-rolls stand-and-walk "
    "suboccipital-release thoracic-extension upper-trapezius-stretch chin-nod cervical-isometrics "
    "band-row wall-slide thoracic-rotation jaw-relaxation breathing-relaxation workstation-check"
).split()
SVG = "{http://www.w3.org/2000/svg}"


def _description(exercise_id: str) -> dict:
    return yaml.safe_load((figures_dir() / f"{exercise_id}.yaml").read_text(encoding="utf-8"))


def _body(exercise_id: str, which: str):
    spec = _description(exercise_id)
    pose = spec.get(which, spec.get("start", {}))
    return build(spec.get("view", "side"), spec.get("setting", "seated"), pose, SOLID)


def test_every_library_exercise_and_every_agreed_id_has_a_figure() -> None:
    shipped = {p.stem for p in library_dir().glob("*.yaml")}
    missing = (set(LIBRARY_IDS) | shipped) - set(figure_ids())
    assert not missing, f"exercises without a figure: {sorted(missing)}"


@pytest.mark.parametrize("exercise_id", LIBRARY_IDS)
def test_each_figure_draws_as_svg_and_png_with_its_movement_marked(exercise_id: str) -> None:
    drawing = figure(exercise_id)
    root = ET.fromstring(to_svg(drawing, width=320))
    assert root.get("width") == "320"
    labels = [t.text for t in root.iter(f"{SVG}text")]
    spec = _description(exercise_id)
    assert len(labels) == len(spec.get("panels", ["start", "end"])) + sum(
        1 for m in spec.get("marks", []) if "text" in m)
    arrow_heads = [p for p in root.iter(f"{SVG}polygon") if p.get("fill") == ARROW]
    dashed = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke-dasharray")]
    # A movement is shown by an arrow; the eye break and the set-up by lines of sight instead.
    assert arrow_heads or dashed, "nothing shows the movement"
    image = Image.open(io.BytesIO(png_bytes(drawing, 300)))
    assert image.format == "PNG" and image.width == 300
    assert image.height == round(300 * drawing.height / drawing.width)
    colours = {colour for _, colour in image.convert("RGB").getcolors(1 << 20)}
    assert (0x1F, 0x2A, 0x37) in colours, "the figure itself is missing from the PNG"


#: Shown without movement on purpose: pressure and effort (push arrows), and a set-up check.
STILL = ("cervical-isometrics", "suboccipital-release", "workstation-check")


@pytest.mark.parametrize("exercise_id", [i for i in LIBRARY_IDS if i not in STILL])
def test_the_end_position_differs_from_the_start(exercise_id: str) -> None:
    start, end = _body(exercise_id, "start"), _body(exercise_id, "end")
    moved = max(math.dist(start.landmarks[k], end.landmarks[k])
                for k in start.landmarks.keys() & end.landmarks.keys())
    assert moved >= 4, f"largest movement is {moved:.1f} units: too small to see"


@pytest.mark.parametrize("exercise_id", ["cervical-isometrics", "suboccipital-release"])
def test_pressure_exercises_show_effort_without_movement(exercise_id: str) -> None:
    start, end = _body(exercise_id, "start"), _body(exercise_id, "end")
    assert start.landmarks == end.landmarks
    assert all("push" in arrow for arrow in _description(exercise_id)["arrows"])


def _moved(exercise_id: str, landmark: str) -> tuple[float, float]:
    start, end = _body(exercise_id, "start"), _body(exercise_id, "end")
    return (end.point(landmark)[0] - start.point(landmark)[0],
            end.point(landmark)[1] - start.point(landmark)[1])


def test_a_chin_tuck_slides_the_head_back_level_while_a_nod_tips_it() -> None:
    # Side view, facing right: back is -x, down is +y.
    # c1 is the top of the neck: a tuck moves it back, a nod turns the head on it.
    tuck_top, tuck_head, tuck_nose = (_moved("chin-tuck", k) for k in ("c1", "head", "nose"))
    assert tuck_top[0] <= -5 and abs(tuck_nose[1] - tuck_head[1]) < 1.5  # back, no tip
    nod_top, nod_head, nod_nose = (_moved("chin-nod", k) for k in ("c1", "head", "nose"))
    assert math.hypot(*nod_top) < 1 and nod_nose[1] - nod_head[1] >= 4  # the face tips down


def test_a_rotation_turns_the_face_while_a_side_bend_tilts_the_head() -> None:
    turn_crown, turn_nose = _moved("neck-rotation", "crown"), _moved("neck-rotation", "nose")
    assert math.hypot(*turn_crown) < 1 and abs(turn_nose[0]) >= 6
    bend_crown = _moved("neck-side-bend", "crown")
    assert abs(bend_crown[0]) >= 8
    assert _description("neck-rotation")["view"] == _description("neck-side-bend")["view"] \
        == "front"
    assert _description("chin-tuck")["view"] == _description("chin-nod")["view"] == "side"


def test_the_sheet_shows_every_figure(tmp_path: Path) -> None:
    png, page = tmp_path / "sheet.png", tmp_path / "sheet.html"
    assert sheet_main(["--png", str(png), "--html", str(page)]) == 0
    with Image.open(png) as image:
        assert image.width >= 900 and image.height >= 7 * 200  # 22 figures, 3 a row
    text = page.read_text(encoding="utf-8")
    assert all(f"<figcaption>{i}</figcaption>" in text for i in LIBRARY_IDS)
    assert text.count("<svg") == len(figure_ids())
