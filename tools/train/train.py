"""Retrain the committed model repository: CNN members, the stacker, test splits and reference outputs.

Run through tools/train/train.sh; see tools/train/README.md.
"""

import argparse
import pathlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

import cnn
import datasets
import ensembles
import repository
import stacker

SPLIT_SIZES = (7000, 1000, 2000)
REFERENCE_IMAGES = 8
# Smallest top-1 minus top-2 probability gap that cannot flip between torch and ONNX Runtime kernels.
SAFE_MARGIN = 1e-4


@dataclass(frozen=True)
class Family:
    """One data set and the names its models and data files get in the repository."""

    key: str
    load: Callable
    test_file: str
    reference_file: str

    def member(self, number):
        """Name of the number-th CNN member (1-based)."""
        return f"{self.key}_cnn_{number}"

    @property
    def stacker(self):
        """Name of the stacking meta-model."""
        return f"{self.key}_stacker"


def families(work_dir):
    """The data sets the pipeline knows, keyed by command-line name."""
    return {
        "mnist": Family("mnist", lambda: datasets.load_mnist(work_dir),
                        "mnist-test.bin", "reference-outputs.json"),
        "fashion": Family("fashion", datasets.load_fashion,
                          "fashion-test.bin", "fashion-reference-outputs.json"),
    }


def parse_args(argv):
    """Command line; defaults reproduce the committed repository."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models-dir", type=pathlib.Path, default=pathlib.Path("models"))
    parser.add_argument("--work-dir", type=pathlib.Path, default=pathlib.Path("tools/train/.work"),
                        help="cache for fetched packages (git-ignored)")
    parser.add_argument("--datasets", nargs="+", choices=["mnist", "fashion"], default=["mnist", "fashion"])
    parser.add_argument("--split-seed", type=int, default=20261122)
    parser.add_argument("--member-seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    return parser.parse_args(argv)


def configure_torch():
    """Two cores, deterministic kernels: reruns give the same weights on the same machine."""
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)


def closest_call(probabilities):
    """Smallest top-1 minus top-2 gap; a tiny gap could flip under another runtime's float rounding."""
    top = np.sort(probabilities, axis=1)
    return float((top[:, -1] - top[:, -2]).min())


def warn_if_borderline(name, probabilities):
    """Say so when a test prediction is close enough to a tie that ONNX Runtime might disagree."""
    margin = closest_call(probabilities)
    if margin < SAFE_MARGIN:
        print(f"  warning: {name} has a test prediction with top-2 margin {margin:.2e}", file=sys.stderr)


def train_members(family, args, source, split, parts):
    """Train, export and describe each CNN member; returns {name: (val probs, test probs, config)}."""
    x_train, y_train = parts["train"]
    results = {}
    for number, seed in enumerate(args.member_seeds, start=1):
        name = family.member(number)
        started = time.monotonic()
        model = cnn.train_member(x_train, y_train, seed, args.epochs, args.batch_size, args.learning_rate)
        cnn.export(model, repository.model_path(args.models_dir, name))
        validation = cnn.predict(model, parts["validation"][0])
        test = cnn.predict(model, parts["test"][0])
        warn_if_borderline(name, test)
        training = repository.training_block(
            dataset_label(source), split, SPLIT_SIZES, seed, True, args.epochs,
            (validation.argmax(axis=1), parts["validation"][1]), (test.argmax(axis=1), parts["test"][1]))
        config = repository.write_config(
            args.models_dir, name, [repository.tensor(cnn.INPUT_NAME, [-1, 1, 28, 28])], source.labels, training)
        results[name] = (validation, test, config)
        print(f"  {name}: seed {seed}, {time.monotonic() - started:.0f} s, "
              f"validation {training['validation_accuracy']:.4f}, test {training['test_accuracy']:.4f} "
              f"({training['test_correct']}/{len(test)})")
    return results


def train_stacker(family, args, source, split, parts, members):
    """Fit the meta-model on validation probabilities, export it, describe it; returns (W^T, b, config)."""
    names = list(members)
    validation_features = np.concatenate([members[n][0] for n in names], axis=1)
    test_features = np.concatenate([members[n][1] for n in names], axis=1)
    weights_t, bias = stacker.fit(validation_features, parts["validation"][1])
    stacker.export(weights_t, bias, repository.model_path(args.models_dir, family.stacker), family.stacker)
    test = stacker.predict(weights_t, bias, test_features)
    warn_if_borderline(family.stacker, test)
    training = repository.training_block(
        dataset_label(source), split, SPLIT_SIZES, 0, False, 0,
        (stacker.predict(weights_t, bias, validation_features).argmax(axis=1), parts["validation"][1]),
        (test.argmax(axis=1), parts["test"][1]))
    inputs = [repository.tensor(stacker.INPUT_NAME, [-1, validation_features.shape[1]])]
    config = repository.write_config(args.models_dir, family.stacker, inputs, source.labels, training, names)
    print(f"  {family.stacker}: validation (in-sample) {training['validation_accuracy']:.4f}, "
          f"test {training['test_accuracy']:.4f} ({training['test_correct']}/{len(test)})")
    return weights_t, bias, config


def ensemble_test(members, stacked_test, labels):
    """Test accuracies of every aggregation strategy, computed offline in float32."""
    names = list(members)
    probabilities = np.stack([members[n][1] for n in names])
    errors = [members[n][2]["training"]["validation_error"] for n in names]
    weights = ensembles.samme_weights(errors, probabilities.shape[2])
    best = max(names, key=lambda n: members[n][2]["training"]["validation_accuracy"])

    def entry(predicted, **extra):
        correct, accuracy = ensembles.scores(predicted, labels)
        return {"accuracy": accuracy, "correct": correct, **extra}

    return {
        "count": len(labels),
        "members": {n: entry(members[n][1].argmax(axis=1)) for n in names},
        "bagging": entry(ensembles.bagging(probabilities)),
        "majority_vote": entry(ensembles.majority_vote(probabilities)),
        "stacking": entry(stacked_test.argmax(axis=1)),
        "best_single": entry(members[best][1].argmax(axis=1), member=best, chosen_by="validation_accuracy"),
        "boosting": entry(ensembles.boosting(probabilities, weights), weights=dict(zip(names, weights)),
                          weights_from="SAMME on validation_error, normalised"),
    }


def reference_outputs(family, args, source, split, parts, members, stacked):
    """Outputs for the first test images, so the C# binding can compare against exact numbers."""
    weights_t, bias, stacker_config = stacked
    names = list(members)
    first = slice(0, REFERENCE_IMAGES)
    member_outputs = {n: members[n][1][first] for n in names}
    stacked_first = stacker.predict(weights_t, bias, np.concatenate([member_outputs[n] for n in names], axis=1))
    stacked_test = stacker.predict(weights_t, bias, np.concatenate([members[n][1] for n in names], axis=1))
    return {
        "dataset": dataset_label(source),
        "dataset_sha256": source.sha256,
        "split_sha256": split.sha256,
        "test_file": family.test_file,
        "test_file_sha256": datasets.sha256_file(args.models_dir / "data" / family.test_file),
        "test_indices": list(range(REFERENCE_IMAGES)),
        "labels": [int(label) for label in parts["test"][1][first]],
        "members": {n: {"model_id": members[n][2]["model_id"], "probabilities": repository.float_rows(
            member_outputs[n])} for n in names},
        "stacker": {"name": family.stacker, "model_id": stacker_config["model_id"], "members": names,
                    "probabilities": repository.float_rows(stacked_first)},
        "ensemble_test": ensemble_test(members, stacked_test, parts["test"][1]),
    }


def dataset_label(source):
    """package@version, as recorded in every config."""
    return f"{source.name}@{source.version}"


def load_parts(family, args, source, split):
    """float32 inputs and labels per part; the test part is read back from the committed file."""
    test_path = args.models_dir / "data" / family.test_file
    datasets.write_bin(test_path, *datasets.part(source, split, "test"))
    parts = {}
    for name in ("train", "validation"):
        images, labels = datasets.part(source, split, name)
        parts[name] = (datasets.to_float(images), labels)
    images, labels = datasets.read_bin(test_path)
    parts["test"] = (datasets.to_float(images), labels)
    return parts


def run_family(family, args):
    """Everything for one data set: split, members, stacker, reference outputs."""
    print(f"{family.key}:")
    source = family.load()
    split = datasets.make_split(source, SPLIT_SIZES, args.split_seed)
    print(f"  split sha256 {split.sha256}")
    parts = load_parts(family, args, source, split)
    members = train_members(family, args, source, split, parts)
    stacked = train_stacker(family, args, source, split, parts, members)
    reference = reference_outputs(family, args, source, split, parts, members, stacked)
    repository.write_json(args.models_dir / "data" / family.reference_file, reference)
    for strategy in ("bagging", "majority_vote", "stacking", "best_single", "boosting"):
        result = reference["ensemble_test"][strategy]
        print(f"  ensemble {strategy}: {result['accuracy']:.4f} ({result['correct']}/{len(parts['test'][1])})")


def main(argv):
    """Retrain every requested data set's models into --models-dir."""
    args = parse_args(argv)
    configure_torch()
    started = time.monotonic()
    known = families(args.work_dir)
    for key in args.datasets:
        run_family(known[key], args)
    print(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
