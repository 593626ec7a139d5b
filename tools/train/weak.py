"""A deliberately worse MNIST model, `mnist_cnn_weak`: the candidate a canary rollout must roll back (issue 11).

Trained on a tenth of the train split with part of its labels replaced by random classes, seeded, no augmentation,
on a small network, so its accuracy on the committed test split is well below the ensemble's. It reuses the
pipeline's split, training loop, export and config writer and never touches the other models or the test file:

    /usr/bin/python3 tools/train/weak.py                   # writes models/mnist_cnn_weak/
    /usr/bin/python3 tools/train/weak.py --models-dir /tmp/m

Its figures go into models/README.md ("A deliberately worse candidate").
"""

import argparse
import pathlib
import sys

import numpy as np
import torch
from torch import nn

import cnn
import datasets
import repository
from train import SPLIT_SIZES, configure_torch, dataset_label, part_counts

NAME = "mnist_cnn_weak"
ARCHITECTURE = "weak_tiny"


def _tiny():
    """Conv8 3x3 -> pool -> Dense10: few weights (the committed file stays small) and little capacity."""
    return [nn.Conv2d(1, 8, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 13 * 13, 10)]


def parse_args(argv):
    """Command line; the defaults reproduce the committed model."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models-dir", type=pathlib.Path, default=pathlib.Path("models"))
    parser.add_argument("--work-dir", type=pathlib.Path, default=pathlib.Path("tools/train/.work"))
    parser.add_argument("--split-seed", type=int, default=20261122)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--train-fraction", type=float, default=0.1, help="share of the train split used")
    parser.add_argument("--label-noise", type=float, default=0.3,
                        help="share of the used training labels replaced by a uniformly drawn class")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    return parser.parse_args(argv)


def noisy_subset(images_u8, labels, args):
    """The first train_fraction of a seeded permutation, then label_noise of those labels redrawn at random."""
    rng = np.random.default_rng(args.seed)
    chosen = rng.permutation(len(labels))[:int(len(labels) * args.train_fraction)]
    noisy = labels[chosen].copy()
    flip = rng.random(len(chosen)) < args.label_noise
    noisy[flip] = rng.integers(0, 10, size=int(flip.sum()))
    return datasets.to_float(images_u8[chosen]), noisy.astype(np.int64), int(flip.sum())


def main(argv):
    """Train, export and describe the weak model."""
    args = parse_args(argv)
    configure_torch(1)
    # The pipeline's loop builds models by architecture name; this one belongs to the weak model alone.
    cnn.ARCHITECTURES.setdefault(ARCHITECTURE, _tiny)
    source = datasets.load_mnist(args.work_dir)
    split = datasets.make_split(source, SPLIT_SIZES, args.split_seed)
    train_images, train_labels = datasets.part(source, split, "train")
    inputs, targets, flipped = noisy_subset(train_images, train_labels, args)
    data = (torch.from_numpy(inputs), torch.from_numpy(targets))
    model = cnn.train_member(lambda epoch: data, args.seed, args.epochs, args.batch_size, args.learning_rate,
                             ARCHITECTURE)
    cnn.export(model, repository.model_path(args.models_dir, NAME))
    validation_images, validation_labels = datasets.part(source, split, "validation")
    validation = cnn.predict(model, datasets.to_float(validation_images)).argmax(axis=1)
    test_images, test_labels = datasets.read_bin(args.models_dir / "data" / "mnist-test.bin")
    test = cnn.predict(model, datasets.to_float(test_images)).argmax(axis=1)
    parts = {"train": (None, train_labels), "validation": (None, validation_labels), "test": (None, test_labels)}
    training = repository.training_block(dataset_label(source), split, part_counts(parts), args.seed, False,
                                         args.epochs, (validation, validation_labels), (test, test_labels))
    training.update({"architecture": ARCHITECTURE, "train_used": len(targets), "label_noise": args.label_noise,
                     "labels_redrawn": flipped, "purpose": "deliberately worse canary candidate (tools/train/weak.py)"})
    repository.write_config(args.models_dir, NAME, [repository.tensor(cnn.INPUT_NAME, [-1, 1, 28, 28])],
                            source.labels, training)
    print(f"{NAME}: {len(targets)} digits, {flipped} labels redrawn, validation {training['validation_accuracy']:.4f}, "
          f"test {training['test_accuracy']:.4f} ({training['test_correct']}/{len(test_labels)})")


if __name__ == "__main__":
    main(sys.argv[1:])
