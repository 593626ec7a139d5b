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

import augment
import cnn
import datasets
import ensembles
import repository
import stacker

SPLIT_SIZES = (7000, 1000, 2000)
# Digits rendered from the training font families, added to every augmented member's training set.
FONT_DIGITS = 1000


@dataclass(frozen=True)
class MemberRecipe:
    """How one member is trained: seed (bootstrap, init, shuffling, augmentation), architecture (cnn.ARCHITECTURES),
    augmentation mix (augment.MIXES; None: the plain bootstrap sample, unnormalised), whether an augmented member
    draws a bootstrap sample (False: the whole train split) and its learning-rate schedule (False: the last sixth of
    the epochs at a tenth of the rate; True: cosine decay to 0)."""

    seed: int
    architecture: str = "base"
    mix: str | None = None
    bootstrap: bool = True
    cosine: bool = False
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
    recipes: tuple
    # torch threads: results depend on them; MNIST shares a 2-core machine, Fashion keeps its committed weights.
    threads: int

    def member(self, number):
        """Name of the number-th CNN member (1-based)."""
        return f"{self.key}_cnn_{number}"

    @property
    def stacker(self):
        """Name of the stacking meta-model."""
        return f"{self.key}_stacker"


# Diverse members (architecture, seed, augmentation mix), so that the ensemble beats the best of them: BatchNorm
# architectures on the whole train split with cosine decay, the trio issue 9's experiment chose on validation
# (experiment.py recipes 1:wide5_bn:geometric:full:cosine, 2:deep_bn:balanced:full:cosine,
# 3:wide7_bn:photometric:full:cosine at --epochs 15).
MNIST_RECIPES = (MemberRecipe(1, "wide5_bn", "geometric", bootstrap=False, cosine=True),
                 MemberRecipe(2, "deep_bn", "balanced", bootstrap=False, cosine=True),
                 MemberRecipe(3, "wide7_bn", "photometric", bootstrap=False, cosine=True))


def families(work_dir, args):
    """The data sets the pipeline knows, keyed by command-line name."""
    return {
        "mnist": Family("mnist", lambda: datasets.load_mnist(work_dir),
                        "mnist-test.bin", "reference-outputs.json", MNIST_RECIPES, 1),
        "fashion": Family("fashion", datasets.load_fashion,
                          "fashion-test.bin", "fashion-reference-outputs.json",
                          tuple(MemberRecipe(seed) for seed in args.member_seeds), 2),
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
    parser.add_argument("--epochs", type=int, default=10, help="epochs of a member without augmentation")
    parser.add_argument("--augmented-epochs", type=int, default=15,
                        help="epochs of an augmented member (each sees freshly augmented data)")
    parser.add_argument("--limit-train", type=int, default=0,
                        help="train augmented members on only this many digits (timing runs; 0: all)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    return parser.parse_args(argv)


def configure_torch(threads):
    """A fixed thread count and deterministic kernels: reruns give the same weights on the same machine."""
    torch.set_num_threads(threads)
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


def augmented_epochs(images_u8, labels, recipe, limit):
    """epoch_data for an augmented member: its bootstrap sample of the MNIST train split plus font digits from the
    training families, freshly augmented every epoch (seeded by member and epoch) and normalised like the router."""
    if recipe.bootstrap:
        sample = cnn.bootstrap_indices(len(labels), recipe.seed)[:limit or None]
    else:
        sample = np.arange(len(labels))[:limit or None]
    fonts, font_labels = augment.font_digits(FONT_DIGITS, np.random.default_rng([recipe.seed, 1000]))
    images = np.concatenate([images_u8[sample], fonts])
    targets = torch.from_numpy(np.concatenate([labels[sample], font_labels]).astype(np.int64))
    mix = augment.MIXES[recipe.mix]

    def epoch_data(epoch):
        started = time.monotonic()
        inputs = augment.augmented_inputs(images, np.random.default_rng([recipe.seed, epoch]), mix)
        print(f"    epoch {epoch + 1}: {len(inputs)} augmented in {time.monotonic() - started:.0f} s", flush=True)
        return torch.from_numpy(inputs), targets

    return epoch_data


def train_members(family, args, source, split, parts):
    """Train, export and describe each CNN member; returns {name: (val probs, test probs, config)}."""
    x_train, y_train = parts["train"]
    results = {}
    for number, recipe in enumerate(family.recipes, start=1):
        name = family.member(number)
        started = time.monotonic()
        if recipe.mix is None:
            model = cnn.train_member(cnn.fixed_epochs(x_train, y_train, recipe.seed), recipe.seed, args.epochs,
                                     args.batch_size, args.learning_rate, recipe.architecture)
            epochs = args.epochs
        else:
            epochs = args.augmented_epochs
            model = cnn.train_member(augmented_epochs(parts["train_u8"], y_train, recipe, args.limit_train),
                                     recipe.seed, epochs, args.batch_size, args.learning_rate, recipe.architecture,
                                     decay_last=0 if recipe.cosine else max(1, epochs // 6), cosine=recipe.cosine)
        cnn.export(model, repository.model_path(args.models_dir, name))
        validation = cnn.predict(model, parts["validation"][0])
        test = cnn.predict(model, parts["test"][0])
        warn_if_borderline(name, test)
        training = repository.training_block(
            dataset_label(source), split, part_counts(parts), recipe.seed, recipe.bootstrap, epochs,
            (validation.argmax(axis=1), parts["validation"][1]), (test.argmax(axis=1), parts["test"][1]))
        describe_recipe(training, recipe, parts)
        config = repository.write_config(
            args.models_dir, name, [repository.tensor(cnn.INPUT_NAME, [-1, 1, 28, 28])], source.labels, training)
        results[name] = (validation, test, config)
        extra = ""
        if "test_normalized" in parts:
            normalized = cnn.predict(model, parts["test_normalized"][0]).argmax(axis=1)
            extra = f", test normalised like the router {np.mean(normalized == parts['test'][1]):.4f}"
        print(f"  {name}: seed {recipe.seed}, {recipe.architecture}, {recipe.mix or 'no augmentation'}, "
              f"{time.monotonic() - started:.0f} s, validation {training['validation_accuracy']:.4f}, "
              f"test {training['test_accuracy']:.4f} ({training['test_correct']}/{len(test)}){extra}", flush=True)
    return results


def part_counts(parts):
    """(train, validation, test) sizes as the configs record them."""
    return tuple(len(parts[name][1]) for name in ("train", "validation", "test"))


def describe_recipe(training, recipe, parts):
    """Architecture and augmentation in the config's training block (augmented members only)."""
    if recipe.mix is not None:
        training["architecture"] = recipe.architecture
        training["augmentation"] = {
            "mix": recipe.mix, "font_digits": FONT_DIGITS, "normalized": "tools/train/normalize.py",
            "validation": parts["validation_note"]}


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
        dataset_label(source), split, part_counts(parts), 0, False, 0,
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
    """float32 inputs and labels per part; the test part is read back from the committed file.

    Augmented families (MNIST) also keep the uint8 train images (augmented per epoch), validate on the validation
    digits normalised like the router plus one augmented copy of each (the stacker and the boosting weights should
    know how the members do on what users send), and report the test split normalised like the router beside the
    plain test figure the configs record (FP32 clients send the test file as it is).
    """
    test_path = args.models_dir / "data" / family.test_file
    datasets.write_bin(test_path, *datasets.part(source, split, "test"))
    parts = {}
    for name in ("train", "validation"):
        images, labels = datasets.part(source, split, name)
        parts[name] = (datasets.to_float(images), labels)
        parts[name + "_u8"] = images
    images, labels = datasets.read_bin(test_path)
    parts["test"] = (datasets.to_float(images), labels)
    if any(recipe.mix for recipe in family.recipes):
        images, labels = parts["validation_u8"], parts["validation"][1]
        augmented = augment.augmented_inputs(images, np.random.default_rng(args.split_seed), augment.MIXES["balanced"])
        parts["validation"] = (np.concatenate([augment.normalized_inputs(images), augmented]),
                               np.concatenate([labels, labels]))
        parts["validation_note"] = "validation digits normalised, then once more augmented (balanced mix)"
        parts["test_normalized"] = (augment.normalized_inputs(images_u8(test_path)), parts["test"][1])
    return parts


def images_u8(path):
    """The uint8 images of an EGDS file."""
    return datasets.read_bin(path)[0]


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
    started = time.monotonic()
    known = families(args.work_dir, args)
    for key in args.datasets:
        configure_torch(known[key].threads)
        run_family(known[key], args)
    print(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
