"""Digits that are not MNIST: rendered from the machine's fonts, or drawn as synthetic pen strokes; and the ways
users send them (dark on light, low contrast, noisy, low resolution). Everything is seeded: the same seed gives
the same images on any machine with the same font files.

Images are uint8, 28x28 unless said otherwise, light ink on a dark background before a variant is applied; the
digit is NOT normalised MNIST-style (random size and position): that is the router's job.
"""

import math
import pathlib
import re
import subprocess

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SIDE = 28
SUPER = 4  # drawing happens at 4x and is box-filtered down: antialiased like a scan

# Latin text families whose files carry the digits. A family (the file name before the first '-') is either a
# training family or a test family, never both: the foreign "fonts" set uses only TEST_FAMILIES.
FONT_FILE = re.compile(r"^(DejaVu(Sans|Serif|SansMono|SansCondensed|SerifCondensed)|Free(Sans|Serif|Mono)|"
                       r"Liberation(Sans|Serif|Mono|SansNarrow)|C059|NimbusMonoPS|NimbusRoman|NimbusSans|"
                       r"NimbusSansNarrow|P052|URWBookman|URWGothic|Z003|"
                       r"Noto(Sans|Serif|SansDisplay|SerifDisplay|SansMono))(-[A-Za-z]+)?\.(ttf|otf)$")
TEST_FAMILIES = {"LiberationSans", "LiberationSerif", "LiberationMono", "LiberationSansNarrow", "URWGothic", "Z003",
                 "NotoSerif", "NotoSerifDisplay", "DejaVuSerif", "DejaVuSerifCondensed", "FreeMono"}


def font_files():
    """Every usable font file found by fontconfig, as sorted (family, path) pairs (deterministic order)."""
    listed = subprocess.run(["fc-list", ":charset=0030-0039", "file"], capture_output=True, text=True, check=True)
    found = {}
    for line in listed.stdout.splitlines():
        path = pathlib.Path(line.split(":")[0].strip())
        match = FONT_FILE.match(path.name)
        if match:
            found[path.name] = (match.group(1), str(path))
    return [found[name] for name in sorted(found)]


def fonts(test):
    """Font files of the test families (test=True) or of the training families."""
    return [path for family, path in font_files() if (family in TEST_FAMILIES) == test]


def _affine(points, rng, rotate, shear, scale, shift):
    """Random rotation/shear/scale/shift of points in the unit square, about its centre."""
    angle = math.radians(rng.uniform(-rotate, rotate))
    k = rng.uniform(-shear, shear)
    s = rng.uniform(*scale)
    c, n = math.cos(angle), math.sin(angle)
    dx, dy = rng.uniform(-shift, shift, size=2)
    out = []
    for x, y in points:
        x, y = x - 0.5, y - 0.5
        x = x + k * y
        x, y = c * x - n * y, n * x + c * y
        out.append((0.5 + s * x + dx, 0.5 + s * y + dy))
    return out


def render_font_digit(path, digit, rng):
    """One digit from a font file: random size (50-95% of the height) and position, a slight rotation."""
    canvas = SIDE * SUPER
    font = ImageFont.truetype(path, size=int(canvas * 0.8))
    glyph = Image.new("L", (canvas * 2, canvas * 2), 0)
    ImageDraw.Draw(glyph).text((canvas // 2, canvas // 4), str(digit), fill=255, font=font)
    box = glyph.getbbox()
    glyph = glyph.crop(box).rotate(rng.uniform(-6, 6), resample=Image.BILINEAR, expand=True)
    height = int(canvas * rng.uniform(0.5, 0.95))
    width = max(1, int(glyph.width * height / glyph.height))
    if width > canvas * 0.95:
        height, width = int(height * canvas * 0.95 / width), int(canvas * 0.95)
    glyph = glyph.resize((width, height), Image.LANCZOS)
    image = Image.new("L", (canvas, canvas), 0)
    image.paste(glyph, (int(rng.integers(0, canvas - width + 1)), int(rng.integers(0, canvas - height + 1))))
    return np.asarray(image.resize((SIDE, SIDE), Image.BOX), np.uint8)


def _ellipse(cx, cy, rx, ry, start=0.0, turns=1.0, n=24):
    return [(cx + rx * math.sin(2 * math.pi * (start + turns * i / n)), cy - ry * math.cos(2 * math.pi * (start + turns * i / n)))
            for i in range(n + 1)]


# Pen-stroke skeletons per digit, in the unit square (x right, y down): (smooth, strokes). Several styles each.
STROKES = {
    0: [(True, [_ellipse(0.5, 0.5, 0.24, 0.38)]), (True, [_ellipse(0.5, 0.5, 0.18, 0.4, start=0.05, turns=1.05)])],
    1: [(False, [[(0.5, 0.1), (0.5, 0.9)]]), (False, [[(0.33, 0.27), (0.53, 0.1), (0.53, 0.9)]]),
        (False, [[(0.35, 0.25), (0.52, 0.1), (0.52, 0.9)], [(0.35, 0.9), (0.7, 0.9)]])],
    2: [(True, [[(0.28, 0.3), (0.36, 0.15), (0.52, 0.1), (0.67, 0.17), (0.7, 0.33), (0.6, 0.52), (0.28, 0.9), (0.76, 0.9)]]),
        (True, [[(0.3, 0.25), (0.5, 0.1), (0.7, 0.25), (0.55, 0.55), (0.3, 0.88), (0.45, 0.82), (0.75, 0.88)]])],
    3: [(True, [[(0.3, 0.17), (0.5, 0.1), (0.68, 0.2), (0.66, 0.36), (0.47, 0.47), (0.68, 0.58), (0.72, 0.76), (0.55, 0.9), (0.3, 0.84)]]),
        (False, [[(0.3, 0.12), (0.7, 0.12), (0.45, 0.42), (0.65, 0.55), (0.7, 0.75), (0.52, 0.9), (0.3, 0.82)]])],
    4: [(False, [[(0.62, 0.9), (0.62, 0.1), (0.25, 0.64), (0.78, 0.64)]]),
        (False, [[(0.35, 0.1), (0.28, 0.58), (0.76, 0.58)], [(0.62, 0.3), (0.62, 0.9)]])],
    5: [(True, [[(0.7, 0.12), (0.36, 0.12), (0.33, 0.45)], [(0.33, 0.45), (0.5, 0.4), (0.68, 0.5), (0.72, 0.7), (0.6, 0.87), (0.45, 0.9), (0.3, 0.82)]]),
        (True, [[(0.36, 0.12), (0.33, 0.45), (0.5, 0.4), (0.68, 0.5), (0.72, 0.7), (0.6, 0.87), (0.45, 0.9), (0.3, 0.82)], [(0.36, 0.12), (0.7, 0.12)]])],
    6: [(True, [[(0.66, 0.12), (0.45, 0.25), (0.32, 0.5), (0.32, 0.72), (0.45, 0.9), (0.62, 0.88), (0.7, 0.72), (0.62, 0.55), (0.45, 0.52), (0.33, 0.65)]]),
        (True, [[(0.6, 0.1), (0.4, 0.4), (0.33, 0.7), (0.5, 0.9), (0.68, 0.75), (0.55, 0.55), (0.36, 0.62)]])],
    7: [(False, [[(0.27, 0.12), (0.73, 0.12), (0.45, 0.9)]]),
        (False, [[(0.27, 0.18), (0.3, 0.12), (0.73, 0.12), (0.5, 0.9)], [(0.4, 0.5), (0.68, 0.5)]])],
    8: [(True, [[(0.5, 0.5), (0.33, 0.35), (0.36, 0.17), (0.5, 0.1), (0.64, 0.17), (0.67, 0.35), (0.5, 0.5),
                 (0.31, 0.68), (0.36, 0.87), (0.5, 0.92), (0.66, 0.87), (0.69, 0.68), (0.5, 0.5)]]),
        (True, [_ellipse(0.5, 0.3, 0.15, 0.19), _ellipse(0.5, 0.7, 0.19, 0.21)])],
    9: [(True, [[(0.68, 0.3), (0.55, 0.14), (0.4, 0.15), (0.31, 0.3), (0.38, 0.46), (0.55, 0.46), (0.68, 0.3), (0.66, 0.6), (0.58, 0.9)]]),
        (True, [_ellipse(0.5, 0.3, 0.18, 0.18), [(0.68, 0.3), (0.68, 0.9)]])],
}


def _catmull_rom(points, per_segment=8):
    """A smooth curve through the points (endpoints repeated)."""
    p = [points[0]] + list(points) + [points[-1]]
    out = []
    for i in range(1, len(p) - 2):
        for j in range(per_segment):
            t = j / per_segment
            out.append(tuple(0.5 * ((2 * p[i][a]) + (-p[i - 1][a] + p[i + 1][a]) * t
                                    + (2 * p[i - 1][a] - 5 * p[i][a] + 4 * p[i + 1][a] - p[i + 2][a]) * t * t
                                    + (-p[i - 1][a] + 3 * p[i][a] - 3 * p[i + 1][a] + p[i + 2][a]) * t ** 3) for a in range(2)))
    out.append(points[-1])
    return out


def render_strokes(digit, width, rng, canvas=SIDE):
    """A digit drawn with a round pen of `width` pixels (at the 28-pixel scale) on a canvas x canvas image."""
    style = STROKES[digit][int(rng.integers(len(STROKES[digit])))]
    smooth, strokes = style
    # Wobble: long (ellipse) skeletons get less per point, so that a "0" stays a loop.
    jitter = [[(x + rng.normal(0, sd), y + rng.normal(0, sd)) for x, y in stroke]
              for stroke in strokes for sd in [0.025 * min(1.0, 8 / len(stroke))]]
    flat = _affine([pt for stroke in jitter for pt in stroke], rng, rotate=12, shear=0.25, scale=(0.6, 1.0), shift=0.08)
    scale = canvas * SUPER
    image = Image.new("L", (scale, scale), 0)
    draw = ImageDraw.Draw(image)
    pen = max(1.0, width * SUPER * canvas / SIDE)
    at = 0
    for stroke in jitter:
        points = flat[at:at + len(stroke)]
        at += len(stroke)
        path = _catmull_rom(points) if smooth else points
        xy = [(x * scale, y * scale) for x, y in path]
        draw.line(xy, fill=255, width=int(round(pen)), joint="curve")
        for x, y in (xy[0], xy[-1]):
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)
    return np.asarray(image.resize((canvas, canvas), Image.BOX), np.uint8)


def dark_on_light(image, rng):
    """Ink on paper: dark ink (0..90) on light paper (180..255)."""
    ink, paper = rng.uniform(0, 90), rng.uniform(180, 255)
    return np.clip(paper + (ink - paper) * (image / 255.0), 0, 255).round().astype(np.uint8)


def low_contrast(image, rng):
    """Ink only 25..60 levels from the background, at any gray level, either polarity."""
    paper = rng.uniform(30, 220)
    delta = rng.uniform(25, 60) * (1 if rng.random() < 0.5 else -1)
    if not 0 <= paper + delta <= 255:
        delta = -delta
    return np.clip(paper + delta * (image / 255.0), 0, 255).round().astype(np.uint8)


def noisy(image, rng):
    """Gaussian noise (sigma 12..30) and a few specks; half of them on paper (dark on light)."""
    base = dark_on_light(image, rng) if rng.random() < 0.5 else image
    out = base.astype(np.float64) + rng.normal(0, rng.uniform(12, 30), base.shape)
    for _ in range(int(rng.integers(0, 5))):
        y, x = rng.integers(0, base.shape[0] - 1, size=2)
        out[y:y + 2, x:x + 2] = 255 - np.median(base)
    return np.clip(out, 0, 255).round().astype(np.uint8)


def low_resolution(image, rng, side=None):
    """The digit (its box plus a 10% margin, made square) at 8x8, 12x12 or 16x16 (area), then upsampled to 28x28
    (bilinear): a small scan or thumbnail blown up."""
    side = side or int(rng.choice([8, 12, 16]))
    ys, xs = np.nonzero(image > 0)
    half = max(ys.max() - ys.min(), xs.max() - xs.min()) * 0.6 + 1
    cy, cx = (ys.max() + ys.min()) / 2, (xs.max() + xs.min()) / 2
    square = Image.fromarray(image).crop((int(cx - half), int(cy - half), int(cx + half) + 1, int(cy + half) + 1))
    small = square.resize((side, side), Image.BOX)
    return np.asarray(small.resize((SIDE, SIDE), Image.BILINEAR), np.uint8)
