"""Augmentation for the MNIST members: what users send, made from MNIST digits, then normalised by the router's
own algorithm (normalize.py), so the members learn exactly the inputs the router gives them.

Per image, each with its mix's probability: random affine (rotation, scale with aspect change, shear, translation)
and elastic distortion in one resampling; stroke width (grey dilation or erosion); blur; rendering at 8x8, 12x12
or 16x16 then upsampling; and how it is sent (dark on light, low contrast, noisy). Everything is drawn from the
caller's numpy Generator: a seed gives the same images.
"""

import pathlib
import sys
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

import normalize

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "handwriting"))
import sources  # noqa: E402  (tools/handwriting: font rendering and the photometric variants)

PAD = 8


@dataclass(frozen=True)
class Mix:
    """How strongly and how often each augmentation applies."""

    name: str
    clean: float          # probability of no augmentation at all (the digit, normalised)
    rotate: float         # degrees, uniform +-
    shear: float          # x += shear * y, uniform +-
    scale: tuple          # uniform range of the overall scale
    aspect: float         # x scale / y scale in 1 +- aspect
    shift: float          # pixels, uniform +-
    elastic: float        # probability
    elastic_alpha: float  # displacement scale (pixels per unit of the smoothed field)
    stroke: float         # probability of dilation (2/3 of the time) or erosion
    blur: float           # probability
    low_res: float        # probability
    sent: float           # probability of dark-on-light / low-contrast / noisy


MIXES = {
    "balanced": Mix("balanced", 0.15, 15, 0.3, (0.8, 1.15), 0.15, 3, 0.5, 24, 0.3, 0.2, 0.15, 0.4),
    "geometric": Mix("geometric", 0.1, 18, 0.4, (0.75, 1.2), 0.25, 4, 0.7, 30, 0.3, 0.1, 0.1, 0.25),
    "photometric": Mix("photometric", 0.1, 10, 0.2, (0.85, 1.1), 0.1, 2, 0.3, 20, 0.45, 0.35, 0.3, 0.6),
}


def _geometry(image, rng, mix):
    """Affine + optional elastic field in one bilinear resampling, on a padded canvas (nothing is cut)."""
    canvas = np.pad(image.astype(np.float64), PAD)
    size = canvas.shape[0]
    angle = np.radians(rng.uniform(-mix.rotate, mix.rotate))
    scale = rng.uniform(*mix.scale)
    aspect = 1 + rng.uniform(-mix.aspect, mix.aspect)
    shear = rng.uniform(-mix.shear, mix.shear)
    forward = (np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
               @ np.array([[1, shear], [0, 1]]) @ np.diag([scale, scale * aspect]))  # (y, x) order
    inverse = np.linalg.inv(forward)
    centre = (size - 1) / 2
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64)
    shift = rng.uniform(-mix.shift, mix.shift, size=2)
    dy, dx = ys - centre - shift[0], xs - centre - shift[1]
    sy = inverse[0, 0] * dy + inverse[0, 1] * dx + centre
    sx = inverse[1, 0] * dy + inverse[1, 1] * dx + centre
    if rng.random() < mix.elastic:
        sy += ndimage.gaussian_filter(rng.uniform(-1, 1, canvas.shape), 4) * mix.elastic_alpha
        sx += ndimage.gaussian_filter(rng.uniform(-1, 1, canvas.shape), 4) * mix.elastic_alpha
    return ndimage.map_coordinates(canvas, [sy, sx], order=1, mode="constant")


def _stroke(image, rng):
    """Thicker (grey dilation, 2x2 or 3x3) or thinner (grey erosion, 2x2 keeping the stroke) pen."""
    if rng.random() < 2 / 3:
        size = 2 if rng.random() < 0.6 else 3
        return ndimage.grey_dilation(image, size=(size, size))
    eroded = ndimage.grey_erosion(image, size=(2, 2))
    return eroded if eroded.max() > 0.5 * image.max() else image


def augment(image_u8, rng, mix):
    """One uint8 light-on-dark digit -> a uint8 image as a user might send it (not yet normalised)."""
    if rng.random() < mix.clean:
        return image_u8
    image = _geometry(image_u8, rng, mix)
    if rng.random() < mix.stroke:
        image = _stroke(image, rng)
    if rng.random() < mix.blur:
        image = ndimage.gaussian_filter(image, rng.uniform(0.4, 1.1))
    image = np.clip(image, 0, 255).round().astype(np.uint8)
    if image.max() == 0:
        return image_u8
    if rng.random() < mix.low_res:
        image = sources.low_resolution(image, rng)
    if rng.random() < mix.sent:
        variant = (sources.dark_on_light, sources.low_contrast, sources.noisy)[int(rng.integers(3))]
        image = variant(image, rng)
    return image


def augmented_inputs(images_u8, rng, mix):
    """float32 [n, 1, 28, 28]: every image augmented once and normalised the router's way."""
    out = np.empty((len(images_u8), 1, 28, 28), np.float32)
    for i, image in enumerate(images_u8):
        out[i, 0] = normalize.normalize(augment(image, rng, mix))
    return out


def normalized_inputs(images_u8):
    """float32 [n, 1, 28, 28]: the images as the router sends them, without augmentation."""
    return normalize.normalize_all(images_u8)[:, None]


def font_digits(count, rng):
    """count (image, label) pairs rendered from the training font families (never the test families)."""
    files = sources.fonts(test=False)
    images = np.stack([sources.render_font_digit(files[i % len(files)], i % 10, rng) for i in range(count)])
    return images, (np.arange(count) % 10).astype(np.uint8)
