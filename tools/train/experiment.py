"""Candidate MNIST members trained once, their probabilities kept, so ensembles can be compared offline.

    /usr/bin/python3 tools/train/experiment.py train --out DIR --epochs 15 SEED:ARCH:MIX[:full][:cosine] ...
    /usr/bin/python3 tools/train/experiment.py evaluate DIR/a.npz DIR/b.npz ... [--test]

`train` runs each recipe through train.py's own code path (same seeds, augmentation, normalisation and torch
settings as train.sh), so a chosen candidate is reproduced exactly by the pipeline. It writes DIR/<recipe>.npz with
the validation probabilities (the 1,000 digits normalised, then their augmented copy: train.py's validation set)
and the test split's (FP32 as committed, and normalised like the router). `evaluate` prints members and strategies
on the validation set (clean half, augmented half, both; stacking 10-fold cross-validated on the validation set,
so not in-sample); only with --test does it look at the test split.
"""

import argparse
import pathlib
import sys
import time

import numpy as np
from sklearn.model_selection import StratifiedKFold

import cnn
import datasets
import ensembles
import stacker
import train


def recipe_of(text):
    """SEED:ARCH:MIX[:full][:cosine] -> train.MemberRecipe."""
    seed, architecture, mix, *flags = text.split(":")
    return train.MemberRecipe(int(seed), architecture, mix, bootstrap="full" not in flags, cosine="cosine" in flags)


def run_train(args):
    """Train every recipe in turn and save its probabilities."""
    args.out.mkdir(parents=True, exist_ok=True)
    recipes = [recipe_of(text) for text in args.recipes]
    family = train.Family("mnist", lambda: datasets.load_mnist(args.work_dir), "mnist-test.bin",
                          "reference-outputs.json", tuple(recipes), 1)
    train.configure_torch(family.threads)
    source = family.load()
    split = datasets.make_split(source, train.SPLIT_SIZES, args.split_seed)
    options = argparse.Namespace(models_dir=args.out / "models", split_seed=args.split_seed)
    parts = train.load_parts(family, options, source, split)
    np.savez(args.out / "labels.npz", validation=parts["validation"][1], test=parts["test"][1])
    for text, recipe in zip(args.recipes, recipes):
        started = time.monotonic()
        model = cnn.train_member(train.augmented_epochs(parts["train_u8"], parts["train"][1], recipe, 0),
                                 recipe.seed, args.epochs, args.batch_size, args.learning_rate, recipe.architecture,
                                 decay_last=0 if recipe.cosine else max(1, args.epochs // 6), cosine=recipe.cosine)
        np.savez(args.out / (text.replace(":", "_") + f"_e{args.epochs}.npz"),
                 validation=cnn.predict(model, parts["validation"][0]),
                 test=cnn.predict(model, parts["test"][0]),
                 test_normalized=cnn.predict(model, parts["test_normalized"][0]))
        print(f"{text}: {time.monotonic() - started:.0f} s", flush=True)


def stacking_cv(features, labels, folds=10):
    """Stacker predictions on the validation set, each fold predicted by a stacker fitted on the other folds."""
    predicted = np.empty(len(labels), np.int64)
    for fit, held in StratifiedKFold(folds, shuffle=True, random_state=0).split(features, labels):
        weights_t, bias = stacker.fit(features[fit], labels[fit])
        predicted[held] = stacker.predict(weights_t, bias, features[held]).argmax(axis=1)
    return predicted


def strategies(probabilities, labels, validation_errors, stacked=None):
    """{name: predicted classes} for each member and strategy."""
    weights = ensembles.samme_weights(validation_errors, probabilities.shape[2])
    result = {f"m{i + 1}": p.argmax(axis=1) for i, p in enumerate(probabilities)}
    result.update(bagging=ensembles.bagging(probabilities), vote=ensembles.majority_vote(probabilities),
                  boosting=ensembles.boosting(probabilities, weights))
    if stacked is not None:
        result["stacking"] = stacked
    return result


def report(title, predicted, labels, halves=None):
    """One line per view: errors per member and strategy, and the margin of the worst strategy over the best member."""
    views = {"all": slice(None)} if halves is None else halves
    for view, part in views.items():
        errors = {name: int((p[part] != labels[part]).sum()) for name, p in predicted.items()}
        members = [e for n, e in errors.items() if n.startswith("m")]
        worst = max(e for n, e in errors.items() if not n.startswith("m"))
        count = len(labels[part])
        line = "  ".join(f"{n} {100 - 100 * e / count:.2f}" for n, e in errors.items())
        print(f"{title:>10} {view:>5} (n={count}): {line}  | worst strategy gains {min(members) - worst:+d} errors "
              f"on the best member ({100 * (min(members) - worst) / count:+.2f} pt)")


def run_evaluate(args):
    """Members and strategies on validation (and, asked for, test)."""
    labels = np.load(args.files[0].parent / "labels.npz")
    loaded = [np.load(path) for path in args.files]
    for i, path in enumerate(args.files):
        print(f"m{i + 1} = {path.stem}")
    validation = np.stack([f["validation"] for f in loaded])
    y = labels["validation"]
    half = len(y) // 2
    errors = [float((p.argmax(axis=1) != y).mean()) for p in validation]
    stacked = stacking_cv(np.concatenate(list(validation), axis=1), y)
    report("validation", strategies(validation, y, errors, stacked), y,
           {"clean": slice(0, half), "aug": slice(half, None), "all": slice(None)})
    if args.test:
        weights_t, bias = stacker.fit(np.concatenate(list(validation), axis=1), y)
        for key in ("test", "test_normalized"):
            probabilities = np.stack([f[key] for f in loaded])
            stacked = stacker.predict(weights_t, bias, np.concatenate(list(probabilities), axis=1)).argmax(axis=1)
            report(key[:10], strategies(probabilities, labels["test"], errors, stacked), labels["test"])


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    training = commands.add_parser("train")
    training.add_argument("--out", type=pathlib.Path, required=True)
    training.add_argument("--work-dir", type=pathlib.Path, default=pathlib.Path("tools/train/.work"))
    training.add_argument("--split-seed", type=int, default=20261122)
    training.add_argument("--epochs", type=int, default=12)
    training.add_argument("--batch-size", type=int, default=64)
    training.add_argument("--learning-rate", type=float, default=1e-3)
    training.add_argument("recipes", nargs="+")
    evaluating = commands.add_parser("evaluate")
    evaluating.add_argument("files", type=pathlib.Path, nargs="+")
    evaluating.add_argument("--test", action="store_true", help="also the test split (confirmation only)")
    args = parser.parse_args(argv)
    (run_train if args.command == "train" else run_evaluate)(args)


if __name__ == "__main__":
    main(sys.argv[1:])
