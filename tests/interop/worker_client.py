#!/usr/bin/env python3
"""An independent client (python grpcio, C-core) of an InferenceServer worker.

Calls ModelMetadata, then ModelInfer twice on the same images: once with raw_input_contents (the fast path) and once
with typed fp32_contents, and prints one JSON object with what it saw. The C# test (PythonClientToWorkerTests)
compares it with the model's config and with our own client's answers for the same images.
Uses grpcio's generic API: Debian ships no grpc_tools plugin, only protoc for the message modules.
"""
import argparse
import json
import struct
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--gen-dir', required=True, help='directory holding inference_pb2.py (protoc --python_out)')
    parser.add_argument('--target', required=True, help='host:port of the worker')
    parser.add_argument('--model', required=True)
    parser.add_argument('--images', required=True, help='float32 little-endian [count,1,28,28]')
    parser.add_argument('--count', type=int, required=True)
    args = parser.parse_args()

    sys.path.insert(0, args.gen_dir)
    import grpc
    import inference_pb2 as pb

    channel = grpc.insecure_channel(args.target)
    metadata = channel.unary_unary('/inference.GRPCInferenceService/ModelMetadata',
                                   request_serializer=pb.ModelMetadataRequest.SerializeToString,
                                   response_deserializer=pb.ModelMetadataResponse.FromString)
    infer = channel.unary_unary('/inference.GRPCInferenceService/ModelInfer',
                                request_serializer=pb.ModelInferRequest.SerializeToString,
                                response_deserializer=pb.ModelInferResponse.FromString)

    meta = metadata(pb.ModelMetadataRequest(name=args.model), timeout=30)
    raw_images = open(args.images, 'rb').read()
    shape = [args.count, 1, 28, 28]

    raw_request = pb.ModelInferRequest(model_name=args.model, id='python-raw')
    raw_request.inputs.add(name='input', datatype='FP32', shape=shape)
    raw_request.raw_input_contents.append(raw_images)
    raw_response = infer(raw_request, timeout=30)

    typed_request = pb.ModelInferRequest(model_name=args.model, id='python-typed')
    tensor = typed_request.inputs.add(name='input', datatype='FP32', shape=shape)
    tensor.contents.fp32_contents.extend(struct.unpack('<%df' % (len(raw_images) // 4), raw_images))
    typed_response = infer(typed_request, timeout=30)

    raw_probabilities = struct.unpack('<%df' % (args.count * 10), raw_response.raw_output_contents[0])
    typed_probabilities = list(typed_response.outputs[0].contents.fp32_contents)

    def argmax_rows(values):
        return [max(range(10), key=lambda c: values[r * 10 + c]) for r in range(args.count)]

    print(json.dumps({
        'metadata': {
            'name': meta.name,
            'versions': list(meta.versions),
            'platform': meta.platform,
            'inputs': [{'name': t.name, 'datatype': t.datatype, 'shape': list(t.shape)} for t in meta.inputs],
            'outputs': [{'name': t.name, 'datatype': t.datatype, 'shape': list(t.shape)} for t in meta.outputs],
        },
        'raw': {'id': raw_response.id, 'output': raw_response.outputs[0].name,
                'shape': list(raw_response.outputs[0].shape), 'predictions': argmax_rows(raw_probabilities),
                'typed_contents_in_reply': len(raw_response.outputs[0].contents.fp32_contents)},
        'typed': {'id': typed_response.id, 'shape': list(typed_response.outputs[0].shape),
                  'raw_contents_in_reply': len(typed_response.raw_output_contents),
                  'predictions': argmax_rows(typed_probabilities)},
    }))


if __name__ == '__main__':
    main()
