#!/usr/bin/env python3
"""An independent client (python grpcio, C-core) of an InferenceServer worker or the router.

Calls ServerLive, ServerReady, grpc.health.v1.Health/Check, ModelMetadata, then ModelInfer twice on the same images:
once with raw_input_contents (the fast path) and once with typed fp32_contents, and with --admin the router's
read-only RouterAdmin calls; prints one JSON object with what it saw (the same object as tests/interop/node/client.js).
The C# tests (PythonClientTo*Tests) compare it with our own client's answers and with the true labels.
Uses grpcio's generic API: Debian ships no grpc_tools plugin (nor grpc_health), only protoc for the message modules.
"""
import argparse
import json
import struct
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--gen-dir', required=True, help='directory holding inference_pb2.py, health_pb2.py, router_admin_pb2.py')
    parser.add_argument('--target', required=True, help='host:port of the worker or router')
    parser.add_argument('--model', required=True)
    parser.add_argument('--images', required=True, help='float32 little-endian [count,1,28,28]')
    parser.add_argument('--count', type=int, required=True)
    parser.add_argument('--id-prefix', default='python')
    parser.add_argument('--admin', action='store_true', help='also call RouterAdmin GetConfig and GetStatistics')
    args = parser.parse_args()

    sys.path.insert(0, args.gen_dir)
    import grpc
    import health_pb2
    import inference_pb2 as pb

    channel = grpc.insecure_channel(args.target, options=[('grpc.max_receive_message_length', 64 * 1024 * 1024)])

    def unary(service, method, request_type, response_type):
        return channel.unary_unary('/%s/%s' % (service, method),
                                   request_serializer=request_type.SerializeToString,
                                   response_deserializer=response_type.FromString)

    inference = 'inference.GRPCInferenceService'
    live = unary(inference, 'ServerLive', pb.ServerLiveRequest, pb.ServerLiveResponse)
    ready = unary(inference, 'ServerReady', pb.ServerReadyRequest, pb.ServerReadyResponse)
    metadata = unary(inference, 'ModelMetadata', pb.ModelMetadataRequest, pb.ModelMetadataResponse)
    infer = unary(inference, 'ModelInfer', pb.ModelInferRequest, pb.ModelInferResponse)
    check = unary('grpc.health.v1.Health', 'Check', health_pb2.HealthCheckRequest, health_pb2.HealthCheckResponse)

    result = {
        'live': live(pb.ServerLiveRequest(), timeout=30).live,
        'ready': ready(pb.ServerReadyRequest(), timeout=30).ready,
        'health': {s: health_pb2.HealthCheckResponse.ServingStatus.Name(check(health_pb2.HealthCheckRequest(service=s), timeout=30).status)
                   for s in ('', inference)},
    }

    meta = metadata(pb.ModelMetadataRequest(name=args.model), timeout=30)
    result['metadata'] = {
        'name': meta.name,
        'versions': list(meta.versions),
        'platform': meta.platform,
        'inputs': [{'name': t.name, 'datatype': t.datatype, 'shape': list(t.shape)} for t in meta.inputs],
        'outputs': [{'name': t.name, 'datatype': t.datatype, 'shape': list(t.shape)} for t in meta.outputs],
    }

    raw_images = open(args.images, 'rb').read()
    shape = [args.count, 1, 28, 28]

    def argmax_rows(values):
        return [max(range(10), key=lambda c: values[r * 10 + c]) for r in range(args.count)]

    def probabilities(response):
        names = [o.name for o in response.outputs]
        index = names.index('probabilities') if 'probabilities' in names else 0
        output = response.outputs[index]
        if response.raw_output_contents:
            raw = response.raw_output_contents[index]
            values = struct.unpack('<%df' % (len(raw) // 4), raw)
        else:
            values = list(output.contents.fp32_contents)
        return names, output, values

    def attempt(work):
        try:
            return work()
        except grpc.RpcError as error:
            return {'error': {'code': error.code().name, 'details': error.details() or ''}}

    def raw_call():
        request = pb.ModelInferRequest(model_name=args.model, id=args.id_prefix + '-raw')
        request.inputs.add(name='input', datatype='FP32', shape=shape)
        request.raw_input_contents.append(raw_images)
        response = infer(request, timeout=30)
        names, output, values = probabilities(response)
        return {'id': response.id, 'outputs': names, 'shape': list(output.shape), 'predictions': argmax_rows(values),
                'typed_contents_in_reply': len(output.contents.fp32_contents)}

    def typed_call():
        request = pb.ModelInferRequest(model_name=args.model, id=args.id_prefix + '-typed')
        tensor = request.inputs.add(name='input', datatype='FP32', shape=shape)
        tensor.contents.fp32_contents.extend(struct.unpack('<%df' % (len(raw_images) // 4), raw_images))
        response = infer(request, timeout=30)
        names, output, values = probabilities(response)
        return {'id': response.id, 'outputs': names, 'shape': list(output.shape), 'predictions': argmax_rows(values),
                'raw_contents_in_reply': len(response.raw_output_contents)}

    result['raw'] = attempt(raw_call)
    result['typed'] = attempt(typed_call)

    if args.admin:
        import router_admin_pb2 as admin
        service = 'ensemblegrpc.router.RouterAdmin'
        config = unary(service, 'GetConfig', admin.GetConfigRequest, admin.GetConfigResponse)(admin.GetConfigRequest(), timeout=30)
        statistics = unary(service, 'GetStatistics', admin.GetStatisticsRequest, admin.GetStatisticsResponse)(
            admin.GetStatisticsRequest(ensemble=args.model), timeout=30)
        result['admin'] = {
            'config': {'version': config.version, 'source': config.source,
                       'ensembles': [e['name'] for e in json.loads(config.config_json)['ensembles']]},
            'statistics': [{'name': e.name, 'requests': sum(a.requests for a in e.arms), 'members': [m.name for m in e.members]}
                           for e in statistics.ensembles],
        }

    print(json.dumps(result))


if __name__ == '__main__':
    main()
