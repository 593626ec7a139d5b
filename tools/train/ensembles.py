"""Offline accuracies of the router's aggregation strategies, so the team can report them.

Each function maps member probabilities [M, n, K] (float32) to predicted classes [n].
"""

import math

import numpy as np


def bagging(probabilities):
    """Mean of the members' probabilities, then argmax."""
    return probabilities.mean(axis=0, dtype=np.float32).argmax(axis=1)


def majority_vote(probabilities):
    """Each member votes its argmax; a tie between classes goes to the one with the higher mean probability."""
    _, count, classes = probabilities.shape
    votes = np.zeros((count, classes), dtype=np.int64)
    for member in probabilities:
        votes[np.arange(count), member.argmax(axis=1)] += 1
    mean = probabilities.mean(axis=0, dtype=np.float32)
    tied = votes == votes.max(axis=1, keepdims=True)
    return np.where(tied, mean, -np.inf).argmax(axis=1)


def samme_weights(validation_errors, classes):
    """SAMME member weights w_m = ln((1 - e_m) / e_m) + ln(K - 1), normalised to sum to 1.

    e_m is clamped into [1e-6, 1 - 1e-6] so a perfect member gets a large but finite weight.
    """
    raw = []
    for error in validation_errors:
        bounded = min(max(error, 1e-6), 1 - 1e-6)
        raw.append(math.log((1 - bounded) / bounded) + math.log(classes - 1))
    total = sum(raw)
    return [w / total for w in raw]


def boosting(probabilities, weights):
    """Weighted mean of the members' probabilities with the SAMME weights, then argmax."""
    stacked = np.tensordot(np.asarray(weights, dtype=np.float32), probabilities, axes=1)
    return stacked.argmax(axis=1)



def scores(predicted, labels):
    """(correct count, accuracy) of predicted classes against labels."""
    correct = int((np.asarray(predicted) == labels).sum())
    return correct, correct / len(labels)
