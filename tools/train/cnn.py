"""The member CNNs: architectures, seeded bootstrap training, float32 inference and ONNX export."""

import math

import numpy as np
import onnx
import torch
from torch import nn

OPSET = 13
INPUT_NAME = "input"
OUTPUT_NAME = "probabilities"


def _base():
    """Conv32 3x3 -> pool -> Conv64 3x3 -> pool -> Dense64 -> Dense10."""
    return [nn.Conv2d(1, 32, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 5 * 5, 64), nn.ReLU(), nn.Linear(64, 10)]


def _wide5():
    """Larger receptive fields: Conv24 5x5 (same) -> pool -> Conv48 5x5 -> pool -> Dense96 -> Dense10."""
    return [nn.Conv2d(1, 24, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(24, 48, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(48 * 5 * 5, 96), nn.ReLU(), nn.Linear(96, 10)]


def _deep():
    """Three convolutions: Conv16 3x3 (same) -> pool -> Conv32 3x3 (same) -> Conv64 3x3 -> pool -> Dense64 -> Dense10."""
    return [nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 6 * 6, 64), nn.ReLU(), nn.Linear(64, 10)]


def _wide5_bn():
    """wide5, wider and regularised: Conv32 5x5 (same) -> BN -> pool -> Conv64 5x5 -> BN -> pool -> Dense128 ->
    Dropout 0.3 -> Dense10."""
    return [nn.Conv2d(1, 32, kernel_size=5, padding=2), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, kernel_size=5), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10)]


def _wide7_bn():
    """A larger first receptive field: Conv32 7x7 (same) -> BN -> pool -> Conv48 5x5 -> BN -> pool -> Dense128 ->
    Dropout 0.3 -> Dense10."""
    return [nn.Conv2d(1, 32, kernel_size=7, padding=3), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 48, kernel_size=5), nn.BatchNorm2d(48), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(48 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10)]


def _deep_bn():
    """Three 3x3 convolutions with BN: Conv32 (same) -> pool -> Conv48 (same) -> Conv64 -> pool -> Dense128 ->
    Dropout 0.3 -> Dense10."""
    return [nn.Conv2d(1, 32, kernel_size=3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 48, kernel_size=3, padding=1), nn.BatchNorm2d(48), nn.ReLU(),
            nn.Conv2d(48, 64, kernel_size=3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 6 * 6, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10)]


def _base_bn():
    """base with BN, a wider dense layer and dropout: Conv32 3x3 -> BN -> pool -> Conv64 3x3 -> BN -> pool ->
    Dense128 -> Dropout 0.3 -> Dense10."""
    return [nn.Conv2d(1, 32, kernel_size=3), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, kernel_size=3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10)]


ARCHITECTURES = {"base": _base, "wide5": _wide5, "deep": _deep,
                 "wide5_bn": _wide5_bn, "wide7_bn": _wide7_bn, "deep_bn": _deep_bn, "base_bn": _base_bn}


def build_model(architecture="base"):
    """The architecture's layers then Softmax: the served model returns probabilities and the aggregators never
    need logits."""
    return nn.Sequential(*ARCHITECTURES[architecture](), nn.Softmax(dim=1))


def bootstrap_indices(count, seed):
    """Sample with replacement, same size as the train split: the members see different data."""
    return np.random.default_rng(seed).integers(0, count, size=count)


def train_member(epoch_data, seed, epochs, batch_size, learning_rate, architecture="base", decay_last=0,
                 cosine=False):
    """Train one member; fully seeded. epoch_data(epoch) gives that epoch's (float32 inputs, int64 targets)
    tensors (the same every epoch without augmentation). The last `decay_last` epochs run at a tenth of the rate;
    with `cosine` the rate instead falls from learning_rate to 0 along a half cosine, set before every batch.

    The loss is cross-entropy on the logits (every layer but the final Softmax), which is the
    numerically stable form of the NLL of the exported probabilities.
    """
    torch.manual_seed(seed)
    model = build_model(architecture)
    logits = model[:-1]
    optimiser = torch.optim.Adam(model.parameters(), lr=learning_rate)
    shuffle = torch.Generator().manual_seed(seed)
    model.train()
    for epoch in range(epochs):
        if epoch == epochs - decay_last:
            for group in optimiser.param_groups:
                group["lr"] = learning_rate / 10
        inputs, targets = epoch_data(epoch)
        order = torch.randperm(len(targets), generator=shuffle)
        steps = -(-len(order) // batch_size)
        for step, start in enumerate(range(0, len(order), batch_size)):
            batch = order[start:start + batch_size]
            if cosine:
                progress = (epoch * steps + step) / (epochs * steps)
                for group in optimiser.param_groups:
                    group["lr"] = learning_rate * 0.5 * (1 + math.cos(math.pi * progress))
            optimiser.zero_grad()
            loss = nn.functional.cross_entropy(logits(inputs[batch]), targets[batch])
            loss.backward()
            optimiser.step()
    model.eval()
    return model


def fixed_epochs(x_train, y_train, seed):
    """epoch_data for plain bootstrap training: one bootstrap sample, the same tensors every epoch."""
    sample = bootstrap_indices(len(y_train), seed)
    inputs = torch.from_numpy(x_train[sample])
    targets = torch.from_numpy(y_train[sample].astype(np.int64))
    return lambda epoch: (inputs, targets)


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
