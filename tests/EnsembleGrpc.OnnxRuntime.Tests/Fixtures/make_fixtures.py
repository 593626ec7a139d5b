"""Generates the tiny ONNX fixtures used by the binding tests (run with Debian's /usr/bin/python3, python3-onnx).

linear.onnx : x float[batch,3] -> y = x @ W + b float[batch,2], relu = Relu(y) float[batch,2]
mixed.onnx  : a float[2], n int64[2] -> sum = a + Cast<float>(n) float[2]  (a non-float input for validation tests)
pair.onnx   : a float[2,2], b float[2,2] -> sum = a + b, product = a * b  (several inputs and outputs)
reshape.onnx: x float[batch,3] -> y = Reshape(x, [2,-1]) float[2,cols]  (fails inside ORT when batch is odd)

Values are small integers/halves so expected outputs are exact in fp32. Usage:
  /usr/bin/python3 make_fixtures.py   (writes next to this script)
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 13)]


def save(model, name):
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name))


def linear():
    w = np.array([[1.0, -1.0], [2.0, 0.5], [-3.0, 1.0]], dtype=np.float32)
    b = np.array([0.5, -2.0], dtype=np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "W"], ["xw"]),
            helper.make_node("Add", ["xw", "b"], ["y"]),
            helper.make_node("Relu", ["y"], ["relu"]),
        ],
        "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
        [
            helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2]),
            helper.make_tensor_value_info("relu", TensorProto.FLOAT, ["batch", 2]),
        ],
        initializer=[numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b")],
    )
    save(helper.make_model(graph, opset_imports=OPSET, ir_version=7, producer_name="make_fixtures"), "linear.onnx")


def mixed():
    graph = helper.make_graph(
        [
            helper.make_node("Cast", ["n"], ["nf"], to=TensorProto.FLOAT),
            helper.make_node("Add", ["a", "nf"], ["sum"]),
        ],
        "mixed",
        [
            helper.make_tensor_value_info("a", TensorProto.FLOAT, [2]),
            helper.make_tensor_value_info("n", TensorProto.INT64, [2]),
        ],
        [helper.make_tensor_value_info("sum", TensorProto.FLOAT, [2])],
    )
    save(helper.make_model(graph, opset_imports=OPSET, ir_version=7, producer_name="make_fixtures"), "mixed.onnx")


def pair():
    graph = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["sum"]), helper.make_node("Mul", ["a", "b"], ["product"])],
        "pair",
        [
            helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, 2]),
            helper.make_tensor_value_info("b", TensorProto.FLOAT, [2, 2]),
        ],
        [
            helper.make_tensor_value_info("sum", TensorProto.FLOAT, [2, 2]),
            helper.make_tensor_value_info("product", TensorProto.FLOAT, [2, 2]),
        ],
    )
    save(helper.make_model(graph, opset_imports=OPSET, ir_version=7, producer_name="make_fixtures"), "pair.onnx")


def reshape():
    graph = helper.make_graph(
        [helper.make_node("Reshape", ["x", "shape"], ["y"])],
        "reshape",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, "cols"])],
        initializer=[numpy_helper.from_array(np.array([2, -1], dtype=np.int64), "shape")],
    )
    save(helper.make_model(graph, opset_imports=OPSET, ir_version=7, producer_name="make_fixtures"), "reshape.onnx")


if __name__ == "__main__":
    linear()
    mixed()
    pair()
    reshape()
