"""Draw the before/after pictures of docs/preprocessing/README.md (small PNGs, reproducible).

    /usr/bin/python3 tools/handwriting/pictures.py      # writes docs/preprocessing/*.png

Each picture: the image as a client sends it (left, scaled to 112 pixels high) and the 28x28 the router gives the
members (right, 4x), made by tools/train/normalize.py, which tests keep equal to the router's C# normaliser.
"""

import pathlib
import sys

import numpy as np
from PIL import Image, ImageDraw

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "train"))
import normalize  # noqa: E402
import sources  # noqa: E402

OUT = HERE.parents[1] / "docs" / "preprocessing"
PANEL = 112


def inputs(rng):
    """(file name, what it shows, uint8 image) per picture."""
    fonts = sources.fonts(test=True)
    small = sources.render_strokes(7, 1.5, rng, canvas=40)
    canvas = np.zeros((120, 90), np.uint8)
    canvas[6:46, 4:44] = small
    yield "dark-on-light", "a photo of ink on paper: inverted", sources.dark_on_light(sources.render_strokes(2, 3.0, rng, canvas=64), rng)
    yield "low-contrast", "faint ink on gray: stretched", sources.low_contrast(sources.render_font_digit(fonts[2], 5, rng), rng)
    yield "noisy", "sensor noise and dust: specks dropped", sources.noisy(sources.render_strokes(3, 2.0, rng), rng)
    yield "thin-off-centre", "a thin pen, small, in a corner of a large canvas", canvas
    yield "thick", "a marker: box fit keeps the aspect ratio", sources.render_strokes(1, 4.5, rng, canvas=64)
    yield "low-res", "an 8x8 thumbnail blown up", sources.low_resolution(sources.render_font_digit(fonts[11], 4, rng), rng, side=8)


def picture(image):
    """Before (any size, scaled to PANEL high) | after (28x28 at 4x), with a thin separator."""
    before = Image.fromarray(image)
    before = before.resize((max(1, round(image.shape[1] * PANEL / image.shape[0])), PANEL), Image.NEAREST)
    after = Image.fromarray((normalize.normalize(image) * 255).round().astype(np.uint8)).resize((PANEL, PANEL), Image.NEAREST)
    out = Image.new("L", (before.width + 6 + PANEL, PANEL), 128)
    out.paste(before, (0, 0))
    out.paste(after, (before.width + 6, 0))
    # A cross at the centre of the 28x28 field: where the centre of mass lands.
    draw = ImageDraw.Draw(out)
    cx, cy = before.width + 6 + 14 * 4, 14 * 4
    draw.line((cx - 3, cy, cx + 3, cy), fill=160)
    draw.line((cx, cy - 3, cx, cy + 3), fill=160)
    return out


def main():
    rng = np.random.default_rng(11)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, what, image in inputs(rng):
        path = OUT / f"{name}.png"
        picture(image).save(path, optimize=True)
        print(f"{path.relative_to(HERE.parents[1])}: {what} ({image.shape[0]}x{image.shape[1]})")


if __name__ == "__main__":
    main()
