"""The router's UINT8 normalisation (src/Router/Preprocessing/DigitNormalizer.cs) in numpy.

The members are trained on what this produces, and the foreign test sets are checked with it offline, so it must
stay the same algorithm as the C# code: grayscale; background = median of the border ring; inversion when the mean
is below the background (dark-on-light); contrast stretch (background -> 0, the 0.9 quantile of the pixels above
Otsu's threshold -> 255); ink = 8-connected components above Otsu's threshold, specks (< 15% of the largest area)
dropped and pixels away from kept ink cleared; the ink's box scaled to fit 20x20 (area resampling when shrinking,
bilinear when growing); the peak brought to 255; placed in 28x28 with its centre of mass at (14, 14) as near
as the ink fits inside.
"""

import numpy as np
from scipy import ndimage

BINS = 256
BOX_SIDE = 20
CENTRE = 14.0
MIN_INK_CONTRAST = 8
INK_QUANTILE = 0.9
SPECK_PERCENT = 15
STEPS = ("invert", "contrast", "denoise", "box", "center")


def to_bins(gray):
    """Rounded 0..255 bins, as GrayHistogram.Bin."""
    return np.clip(np.floor(gray + 0.5), 0, BINS - 1).astype(np.int64)


def quantile(histogram, start, fraction):
    """Smallest bin >= start where the cumulative count reaches the fraction of the count from start."""
    part = histogram[start:]
    total = part.sum()
    if total == 0:
        return BINS - 1
    return start + int(np.argmax(np.cumsum(part) >= fraction * total))


def otsu(histogram):
    """Otsu's threshold over 256 bins: ink is every bin above it; the first maximum wins."""
    bins = np.arange(BINS, dtype=np.float64)
    h = histogram.astype(np.float64)
    below = np.cumsum(h)[:-1]
    sum_below = np.cumsum(h * bins)[:-1]
    total, sum_all = h.sum(), (h * bins).sum()
    above = total - below
    valid = (below > 0) & (above > 0)
    if not valid.any():
        return 0
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_below = sum_below / below
        mean_above = (sum_all - sum_below) / above
        between = below * above * (mean_below - mean_above) ** 2
    between = np.where(valid, between, -1.0)
    return int(np.argmax(between))


def border_median(gray):
    """Median bin of the outer ring (1/14 of the shorter side, at least 1 pixel)."""
    height, width = gray.shape
    ring = max(1, min(height, width) // 14)
    mask = np.zeros(gray.shape, bool)
    mask[:ring, :] = mask[-ring:, :] = True
    mask[:, :ring] = mask[:, -ring:] = True
    return quantile(np.bincount(to_bins(gray[mask]), minlength=BINS), 0, 0.5)


def axis_weights(size, out_size):
    """Dense out_size x size matrix of AxisWeights: area when shrinking, centre-aligned bilinear when growing."""
    matrix = np.zeros((out_size, size), np.float64)
    scale = size / out_size
    for o in range(out_size):
        if scale >= 1:
            start, end = o * scale, (o + 1) * scale
            for i in range(int(np.floor(start)), min(size, int(np.ceil(end)))):
                overlap = min(end, i + 1) - max(start, i)
                if overlap > 1e-9:
                    matrix[o, i] = overlap / scale
        else:
            x = min(max((o + 0.5) * scale - 0.5, 0), size - 1)
            i0 = int(np.floor(x))
            f = x - i0
            matrix[o, i0] += 1 - f
            if i0 + 1 < size:
                matrix[o, i0 + 1] += f
    return matrix


_WEIGHTS = {}


def resize(image, out_height, out_width):
    """Separable resize with the router's weights (cached per size pair)."""
    height, width = image.shape
    key_rows, key_cols = (height, out_height), (width, out_width)
    if key_rows not in _WEIGHTS:
        _WEIGHTS[key_rows] = axis_weights(height, out_height)
    if key_cols not in _WEIGHTS:
        _WEIGHTS[key_cols] = axis_weights(width, out_width)
    return _WEIGHTS[key_rows] @ image @ _WEIGHTS[key_cols].T


def grayscale(image):
    """uint8 [H,W] or [H,W,C] (C = 1, 3, 4) -> float 0..255, RGBA composited over white."""
    image = np.asarray(image)
    if image.ndim == 2:
        return image.astype(np.float64)
    if image.shape[2] == 1:
        return image[:, :, 0].astype(np.float64)
    rgb = image[:, :, :3].astype(np.float64)
    value = 0.299 * rgb[:, :, 0] + 0.587 * rgb[:, :, 1] + 0.114 * rgb[:, :, 2]
    if image.shape[2] == 4:
        alpha = image[:, :, 3] / 255.0
        value = value * alpha + 255.0 * (1 - alpha)
    return value


def ink_box(gray, threshold, drop_specks):
    """(box as (y0, x0, y1, x1) inclusive or None, near-ink mask) of the components kept."""
    labels, count = ndimage.label(to_bins(gray) > threshold, structure=np.ones((3, 3), bool))
    if count == 0:
        return None, None
    areas = np.bincount(labels.ravel())[1:]
    kept = areas * 100 >= SPECK_PERCENT * areas.max() if drop_specks else np.ones(count, bool)
    ink = np.concatenate([[False], kept])[labels]
    ys, xs = np.nonzero(ink)
    near = ndimage.binary_dilation(ink, structure=np.ones((3, 3), bool))
    return (ys.min(), xs.min(), ys.max(), xs.max()), near


def content(gray, steps):
    """The ink resampled: its box fit to 20x20, or the whole image padded square and resized to 28x28."""
    box = None
    if "denoise" in steps or "box" in steps:
        threshold = otsu(np.bincount(to_bins(gray).ravel(), minlength=BINS))
        box, near = ink_box(gray, threshold, "denoise" in steps)
        if "denoise" in steps and box is not None:
            gray = np.where(near, gray, 0.0)
    if "box" in steps and box is not None:
        y0, x0, y1, x1 = box
        height, width = y1 - y0 + 1, x1 - x0 + 1
        scale = BOX_SIDE / max(height, width)
        out_w = int(min(max(np.floor(width * scale + 0.5), 1), BOX_SIDE))
        out_h = int(min(max(np.floor(height * scale + 0.5), 1), BOX_SIDE))
        return resize(gray[y0:y1 + 1, x0:x1 + 1], out_h, out_w)
    height, width = gray.shape
    side = max(height, width)
    square = np.zeros((side, side))
    top, left = (side - height) // 2, (side - width) // 2
    square[top:top + height, left:left + width] = gray
    return resize(square, 28, 28)


def place(ink, by_mass):
    """28x28 pixel/255 with the ink's centre of mass at (14, 14) (rounded to whole pixels), or centred by size."""
    height, width = ink.shape
    top, left = (28 - height) // 2, (28 - width) // 2
    total = ink.sum()
    if by_mass and total > 0:
        ys, xs = np.mgrid[0:height, 0:width]
        top = int(np.clip(np.floor(CENTRE - (ink * ys).sum() / total + 0.5), 0, 28 - height))
        left = int(np.clip(np.floor(CENTRE - (ink * xs).sum() / total + 0.5), 0, 28 - width))
    out = np.zeros((28, 28))
    ya, yb = max(0, -top), min(height, 28 - top)
    xa, xb = max(0, -left), min(width, 28 - left)
    if ya < yb and xa < xb:
        out[top + ya:top + yb, left + xa:left + xb] = ink[ya:yb, xa:xb]
    return np.clip(out / 255.0, 0, 1).astype(np.float32)


def normalize(image, steps=STEPS):
    """One uint8 image -> float32 [28, 28] in 0..1, as the router sends it to the members."""
    gray = grayscale(image)
    background = border_median(gray)
    if "invert" in steps:
        mean = gray.mean()
        if mean < background - 0.5 or (abs(mean - background) <= 0.5 and background > 127.5):
            gray = 255.0 - gray
            background = 255 - background
    if "contrast" in steps:
        histogram = np.bincount(to_bins(gray).ravel(), minlength=BINS)
        ink = quantile(histogram, otsu(histogram) + 1, INK_QUANTILE)
        if ink - background < MIN_INK_CONTRAST:
            return np.zeros((28, 28), np.float32)
        gray = np.clip((gray - background) * (255.0 / (ink - background)), 0, 255)
    ink = content(gray, steps)
    if "contrast" in steps:
        peak = ink.max()
        if 0 < peak < 255:
            ink = np.minimum(255.0, ink * (255.0 / peak))
    return place(ink, "center" in steps)


def normalize_all(images, steps=STEPS):
    """A batch of uint8 images -> float32 [N, 28, 28]."""
    return np.stack([normalize(image, steps) for image in images])
