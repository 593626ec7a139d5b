"""The member CNN: architecture, seeded bootstrap training, float32 inference and ONNX export."""

import numpy as np
import onnx
import torch
from torch import nn

OPSET = 13
INPUT_NAME = "input"
OUTPUT_NAME = "probabilities"


def build_model():
    """Conv32 -> pool -> Conv64 -> pool -> Dense64 -> Dense10 -> Softmax; softmax is part of the graph
    so the served model returns probabilities and the aggregators never need logits."""
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 5 * 5, 64), nn.ReLU(),
        nn.Linear(64, 10),
        nn.Softmax(dim=1),
    )


def bootstrap_indices(count, seed):
    """Sample with replacement, same size as the train split: the members see different data."""
    return np.random.default_rng(seed).integers(0, count, size=count)


def train_member(x_train, y_train, seed, epochs, batch_size, learning_rate):
    """Train one member on a bootstrap sample of (x_train, y_train); fully seeded.

    The loss is cross-entropy on the logits (every layer but the final Softmax), which is the
    numerically stable form of the NLL of the exported probabilities.
    """
    torch.manual_seed(seed)
    sample = bootstrap_indices(len(y_train), seed)
    inputs = torch.from_numpy(x_train[sample])
    targets = torch.from_numpy(y_train[sample].astype(np.int64))
    model = build_model()
    logits = model[:-1]
    optimiser = torch.optim.Adam(model.parameters(), lr=learning_rate)
    shuffle = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(targets), generator=shuffle)
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            optimiser.zero_grad()
            loss = nn.functional.cross_entropy(logits(inputs[batch]), targets[batch])
            loss.backward()
            optimiser.step()
    model.eval()
    return model


def predict(model, x, batch_size=500):
    """Float32 probabilities [n, 10] from the eval-mode model: the same math the exported graph runs."""
    outputs = []
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            outputs.append(model(torch.from_numpy(x[start:start + batch_size])).numpy())
    return np.concatenate(outputs).astype(np.float32)


def export(model, path):
    """Export to ONNX opset 13 with a dynamic batch dimension and check the graph."""
    path.parent.mkdir(parents=True, exist_ok=True)
    example = torch.zeros(1, 1, 28, 28, dtype=torch.float32)
    torch.onnx.export(
        model, example, str(path), opset_version=OPSET, do_constant_folding=True,
        input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
        dynamic_axes={INPUT_NAME: {0: "N"}, OUTPUT_NAME: {0: "N"}},
    )
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
