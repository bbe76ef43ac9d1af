"""The sheet of every exercise figure, for a person to check by eye (kept under docs/).

    python -m deskbreak.figures.sheet --png docs/exercise-figures.png --html docs/exercise-figures.html
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

from deskbreak.figures import figure, figure_ids, to_image, to_svg

#: Every figure is drawn this tall on the sheet, so heads and arrows compare at one size.
SHEET_FIGURE_HEIGHT = 230
COLUMNS = 3
CELL_PAD = 14
TITLE_BAND = 30


def write_png(path: Path) -> None:
    """One image with every figure in a grid, titled by exercise id."""
    from PIL import Image, ImageDraw, ImageFont

    images = []
    for exercise_id in figure_ids():
        drawing = figure(exercise_id)
        width = round(SHEET_FIGURE_HEIGHT * drawing.width / drawing.height)
        images.append((exercise_id, to_image(drawing, width)))
    cell_w = max(image.width for _, image in images) + 2 * CELL_PAD
    cell_h = SHEET_FIGURE_HEIGHT + TITLE_BAND + 2 * CELL_PAD
    rows = -(-len(images) // COLUMNS)
    sheet = Image.new("RGB", (cell_w * COLUMNS, cell_h * rows), "#ffffff")
    pen = ImageDraw.Draw(sheet)
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype(
            "DejaVuSans-Bold.ttf", 17)
    except OSError:
        font = ImageFont.load_default(17)
    for index, (exercise_id, image) in enumerate(images):
        x, y = (index % COLUMNS) * cell_w, (index // COLUMNS) * cell_h
        pen.rectangle((x + 3, y + 3, x + cell_w - 4, y + cell_h - 4), outline="#cbd2d9", width=2)
        pen.text((x + CELL_PAD, y + CELL_PAD), exercise_id, fill="#1f2a37", font=font)
        sheet.paste(image, (x + (cell_w - image.width) // 2, y + CELL_PAD + TITLE_BAND))
    # A few dozen colours are enough for line drawings and keep the file small.
    sheet.quantize(colors=96, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(path, optimize=True)


def write_html(path: Path) -> None:
    """The same sheet as one HTML page of inline SVG (what reports and the handout embed)."""
    cells = []
    for exercise_id in figure_ids():
        drawing = figure(exercise_id)
        width = round(SHEET_FIGURE_HEIGHT * drawing.width / drawing.height)
        cells.append(f'<figure><figcaption>{html.escape(exercise_id)}</figcaption>'
                     f'{to_svg(drawing, width)}</figure>')
    path.write_text(
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>deskbreak exercise "
        "figures</title><style>body{font-family:'DejaVu Sans',sans-serif;margin:1em}"
        "main{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;border:1px solid #cbd2d9;"
        "padding:8px}figcaption{font-weight:bold;margin-bottom:4px}</style><h1>Exercise "
        f"figures</h1><main>{''.join(cells)}</main></html>\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deskbreak.figures.sheet",
                                     description="Draw every exercise figure on one sheet.")
    parser.add_argument("--png", type=Path, help="write the sheet as a PNG image")
    parser.add_argument("--html", type=Path, help="write the sheet as an HTML page of SVG")
    args = parser.parse_args(argv)
    if not (args.png or args.html):
        parser.error("give --png and/or --html")
    if args.png:
        write_png(args.png)
    if args.html:
        write_html(args.html)
    return 0


if __name__ == "__main__":
    sys.exit(main())
