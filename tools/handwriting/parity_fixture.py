"""Write tests/EnsembleGrpc.Router.Tests/Preprocessing/Data/normalize-parity.json: a few images of every kind and
size with what tools/train/normalize.py makes of them. The router's tests check that the C# normaliser gives the
same 28x28 inputs, so the members are trained on exactly what the router will send them.

    /usr/bin/python3 tools/handwriting/parity_fixture.py
"""

import base64
import json
import pathlib
import sys

import numpy as np
from PIL import Image

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "train"))
import normalize  # noqa: E402
import sources  # noqa: E402

OUT = HERE.parents[1] / "tests/EnsembleGrpc.Router.Tests/Preprocessing/Data/normalize-parity.json"


def cases(rng):
    """(name, uint8 image [H,W] or [H,W,C]) of every kind the router meets."""
    fonts = sources.fonts(test=True)
    yield "font 28x28", sources.render_font_digit(fonts[0], 4, rng)
    yield "strokes 28x28", sources.render_strokes(2, 2.0, rng)
    yield "strokes 96x96 thin", sources.render_strokes(7, 1.0, rng, canvas=96)
    yield "strokes 64x64 thick", sources.render_strokes(0, 5.0, rng, canvas=64)
    yield "dark on light", sources.dark_on_light(sources.render_strokes(3, 2.5, rng), rng)
    yield "low contrast", sources.low_contrast(sources.render_font_digit(fonts[5], 8, rng), rng)
    yield "noisy", sources.noisy(sources.render_strokes(5, 2.0, rng), rng)
    yield "low resolution", sources.low_resolution(sources.render_font_digit(fonts[9], 6, rng), rng, side=8)
    wide = np.asarray(Image.fromarray(sources.render_strokes(1, 3.0, rng, canvas=60)).resize((90, 40)))
    yield "non-square 40x90", wide
    paper = sources.dark_on_light(sources.render_strokes(9, 2.0, rng, canvas=50), rng)
    yield "rgb 50x50", np.stack([paper, np.clip(paper.astype(int) + 10, 0, 255).astype(np.uint8), paper], axis=2)
    yield "blank", np.full((30, 30), 240, np.uint8)


def main():
    rng = np.random.default_rng(7)
    entries = []
    for name, image in cases(rng):
        expected = normalize.normalize(image)
        shape = list(image.shape) if image.ndim == 3 else [*image.shape, 1]
        entries.append({"name": name, "shape": shape, "pixels": base64.b64encode(image.tobytes()).decode(),
                        "expected": [round(float(v), 5) for v in expected.ravel()]})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"generator": "tools/handwriting/parity_fixture.py", "cases": entries}, separators=(",", ":")) + "\n")
    print(f"{OUT.relative_to(HERE.parents[1])}: {len(entries)} cases")


if __name__ == "__main__":
    main()
