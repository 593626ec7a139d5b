"""Generate the foreign test sets in models/data/foreign-*.bin (EGDS, see models/README.md), reproducibly.

    /usr/bin/python3 tools/handwriting/foreign_sets.py            # writes models/data/foreign-*.bin
    /usr/bin/python3 tools/handwriting/foreign_sets.py --sheet out.png   # also a contact sheet to look at

Needs python3-pil, python3-numpy and the font packages listed in tools/handwriting/README.md. No training data
is read: fonts come from fontconfig (test families only, see sources.TEST_FAMILIES), strokes from sources.STROKES.
"""

import argparse
import pathlib
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "train"))
import datasets  # noqa: E402  (tools/train: the EGDS writer)
import sources  # noqa: E402

SEED = 20261203
PEN_WIDTHS = (1.2, 2.0, 3.0, 4.5)
# name -> (count, how an image is made from (digit, index, rng))
SETS = {
    "fonts": 500,
    "strokes": 500,
    "dark-on-light": 200,
    "low-contrast": 200,
    "noisy": 200,
    "low-res": 200,
}
VARIANTS = {
    "dark-on-light": sources.dark_on_light,
    "low-contrast": sources.low_contrast,
    "noisy": sources.noisy,
    "low-res": sources.low_resolution,
}


def clean_digit(kind, digit, index, rng, test_fonts):
    """A light-on-dark digit from a test font (kind 'fonts') or pen strokes (kind 'strokes')."""
    if kind == "fonts":
        return sources.render_font_digit(test_fonts[index % len(test_fonts)], digit, rng)
    return sources.render_strokes(digit, PEN_WIDTHS[index % len(PEN_WIDTHS)], rng)


def make_set(name, count, rng, test_fonts):
    """count images, labels cycling 0..9 (balanced); variants alternate font and stroke digits."""
    images, labels = [], []
    for i in range(count):
        digit = i % 10
        if name in ("fonts", "strokes"):
            image = clean_digit(name, digit, i // 10, rng, test_fonts)
        else:
            kind = "fonts" if (i // 10) % 2 == 0 else "strokes"
            image = VARIANTS[name](clean_digit(kind, digit, i // 20, rng, test_fonts), rng)
        images.append(image)
        labels.append(digit)
    return np.stack(images), np.array(labels, np.uint8)


def sheet(all_sets, path):
    """The first 20 images of every set, one row each, scaled 3x."""
    rows = [np.concatenate(list(images[:20]), axis=1) for images, _ in all_sets.values()]
    Image.fromarray(np.concatenate(rows, axis=0)).resize((20 * 28 * 3, len(rows) * 28 * 3), Image.NEAREST).save(path)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=pathlib.Path, default=pathlib.Path("models/data"))
    parser.add_argument("--sheet", type=pathlib.Path)
    args = parser.parse_args(argv)
    test_fonts = sources.fonts(test=True)
    print(f"{len(test_fonts)} test font files, {len(sources.fonts(test=False))} training font files")
    all_sets = {}
    for index, (name, count) in enumerate(SETS.items()):
        rng = np.random.default_rng([SEED, index])
        all_sets[name] = make_set(name, count, rng, test_fonts)
        path = args.out_dir / f"foreign-{name}.bin"
        datasets.write_bin(path, *all_sets[name])
        print(f"{path}: {count} images, sha256 {datasets.sha256_file(path)[:12]}")
    if args.sheet:
        sheet(all_sets, args.sheet)


if __name__ == "__main__":
    main(sys.argv[1:])
