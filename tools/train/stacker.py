"""The stacking meta-model: multinomial logistic regression over the members' concatenated probabilities.

It is exported by hand (MatMul -> Add -> Softmax) because the graph is three nodes, and
`predict` runs exactly those three steps in float32 so offline accuracies match the served model.
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.linear_model import LogisticRegression

OPSET = 13
INPUT_NAME = "member_probabilities"
OUTPUT_NAME = "probabilities"


def fit(member_probabilities, labels):
    """Fit on validation probabilities (data no member trained on); returns (W^T [F, K], b [K]) in float32."""
    model = LogisticRegression(multi_class="multinomial", solver="lbfgs", max_iter=2000)
    model.fit(member_probabilities.astype(np.float64), labels)
    return model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32)


def softmax(logits):
    """Row softmax in float32, max-subtracted like ONNX Runtime's kernel."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exps = np.exp(shifted, dtype=np.float32)
    return (exps / exps.sum(axis=1, keepdims=True, dtype=np.float32)).astype(np.float32)


def predict(weights_t, bias, member_probabilities):
    """The exported graph's math in float32: softmax(x @ W^T + b)."""
    x = member_probabilities.astype(np.float32)
    return softmax((x @ weights_t + bias).astype(np.float32))


def export(weights_t, bias, path, name):
    """Write the three-node ONNX graph with a dynamic batch dimension and check it."""
    features, classes = weights_t.shape
    graph = helper.make_graph(
        nodes=[
            helper.make_node("MatMul", [INPUT_NAME, "weights_t"], ["logits_unbiased"]),
            helper.make_node("Add", ["logits_unbiased", "bias"], ["logits"]),
            helper.make_node("Softmax", ["logits"], [OUTPUT_NAME], axis=1),
        ],
        name=name,
        inputs=[helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["N", features])],
        outputs=[helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N", classes])],
        initializer=[numpy_helper.from_array(weights_t, "weights_t"), numpy_helper.from_array(bias, "bias")],
    )
    model = helper.make_model(graph, producer_name="ensemblegrpc-train",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(model, full_check=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
