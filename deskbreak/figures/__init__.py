"""Exercise figures: one description per library exercise, drawn to SVG (reports, the handout)
and to PNG (the guided window; Tk 8.6 reads PNG).

    drawing = figure("chin-tuck")          # a Drawing: start and end panels, arrows
    svg = to_svg(drawing, width=320)
    png = png_bytes(drawing, width=320)

Descriptions live in the shipped config folder, `figures/<exercise id>.yaml`; their format is
described in docs/exercise-figures.md. Pillow is imported only when a PNG is asked for.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from deskbreak.figures.compose import FigureError, compose
from deskbreak.figures.shapes import Drawing, to_image, to_svg

__all__ = ["Drawing", "FigureError", "figure", "figure_ids", "figures_dir", "png_bytes",
           "to_image", "to_svg"]


def figures_dir() -> Path:
    """The folder of figure descriptions, one YAML file per library exercise id."""
    from deskbreak.paths import shipped_dir

    return shipped_dir() / "figures"


def figure_ids(folder: Path | None = None) -> list[str]:
    """Every exercise id that has a figure description, sorted."""
    return sorted(p.stem for p in (folder or figures_dir()).glob("*.yaml"))


@lru_cache(maxsize=64)
def _description(path: Path) -> dict[str, Any]:
    # Through the product's one guarded YAML reader (no tags, anchors or aliases, bounded
    # size and nesting), like every other file deskbreak reads.
    from yaml.constructor import SafeConstructor

    from deskbreak.core.programme_file import ProgrammeInvalid, compose_safely

    try:
        node = compose_safely(path.read_text(encoding="utf-8"), path.name)
    except ProgrammeInvalid as error:
        raise FigureError("; ".join(error.lines())) from None
    data = SafeConstructor().construct_document(node) if node is not None else None
    if not isinstance(data, dict):
        raise FigureError(f"{path.name}: a figure description is a mapping")
    return data


def figure(exercise_id: str, folder: Path | None = None) -> Drawing:
    """The drawing for a library exercise; FigureError if it has no (valid) description."""
    path = (folder or figures_dir()) / f"{exercise_id}.yaml"
    if not path.is_file():
        raise FigureError(f"no figure for {exercise_id!r}")
    spec = _description(path)
    try:
        return compose(spec, title=str(spec.get("title", exercise_id)))
    except (KeyError, TypeError, ValueError) as error:
        raise FigureError(f"{path.name}: {error}") from None


def png_bytes(drawing: Drawing, width: int) -> bytes:
    """The drawing as PNG file bytes, `width` pixels wide."""
    buffer = io.BytesIO()
    to_image(drawing, width).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
