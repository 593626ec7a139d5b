"""Writing the model repository: config.json per model and the reference-outputs file.

The layout and schema are documented in models/README.md; the C# repository loader reads them.
"""

import hashlib
import json

import numpy as np

from ensembles import scores

VERSION = "1"
PLATFORM = "onnxruntime_onnx"
MAX_BATCH_SIZE = 64


def model_path(models_dir, name):
    """models/<name>/<version>/model.onnx."""
    return models_dir / name / VERSION / "model.onnx"


def model_id(models_dir, name):
    """<name>/<version>/<first 12 hex of sha256 of model.onnx>: changes whenever the bytes change."""
    digest = hashlib.sha256(model_path(models_dir, name).read_bytes()).hexdigest()
    return f"{name}/{VERSION}/{digest[:12]}"


def tensor(name, shape):
    """One FP32 input/output description; -1 is the dynamic batch dimension."""
    return {"name": name, "datatype": "FP32", "shape": shape}


def training_block(dataset, split, counts, seed, bootstrap, epochs, validation, test):
    """The `training` section: provenance plus validation/test accuracies of the exported model.

    validation and test are (predicted classes, labels) pairs.
    """
    validation_correct, validation_accuracy = scores(*validation)
    test_correct, test_accuracy = scores(*test)
    validation_count = len(validation[1])
    return {
        "dataset": dataset,
        "split_sha256": split.sha256,
        "seed": seed,
        "bootstrap": bootstrap,
        "epochs": epochs,
        "train_count": counts[0],
        "validation_count": counts[1],
        "test_count": counts[2],
        "validation_accuracy": validation_accuracy,
        "validation_error": (validation_count - validation_correct) / validation_count,
        "validation_correct": validation_correct,
        "test_accuracy": test_accuracy,
        "test_correct": test_correct,
    }


def write_config(models_dir, name, inputs, labels, training, members=None):
    """Write models/<name>/config.json (2-space indented); `members` only for a stacker."""
    config = {
        "name": name,
        "model_id": model_id(models_dir, name),
        "platform": PLATFORM,
        "max_batch_size": MAX_BATCH_SIZE,
        "inputs": inputs,
        "outputs": [tensor("probabilities", [-1, len(labels)])],
        "labels": labels,
    }
    if members is not None:
        config["members"] = members
    config["training"] = training
    write_json(models_dir / name / "config.json", config)
    return config


def float_rows(array):
    """float32 rows as JSON numbers; repr of the widened value is exact and round-trips to the same float32."""
    return [[float(value) for value in row] for row in np.asarray(array, dtype=np.float32)]


def format_json(value, depth=0):
    """2-space indented JSON that keeps lists of numbers or strings on one line (a shape, a row of
    probabilities), so the files stay readable; floats keep Python's round-tripping repr."""
    pad = "  " * depth
    if isinstance(value, dict) and value:
        items = [f"{pad}  {json.dumps(key)}: {format_json(item, depth + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        items = [f"{pad}  {format_json(item, depth + 1)}" for item in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(value)


def write_json(path, document):
    """Formatted JSON with a trailing newline, stable across runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_json(document) + "\n")
