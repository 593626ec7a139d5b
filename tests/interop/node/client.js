#!/usr/bin/env node
// A second independent client of a worker or the router: Node's @grpc/grpc-js (pure JS, no C-core) with the protos
// loaded at run time by @grpc/proto-loader. It calls ServerLive, ServerReady, grpc.health.v1.Health/Check,
// ModelMetadata, ModelInfer with raw_input_contents and with typed fp32_contents on the same images, and (--admin)
// the router's read-only RouterAdmin calls, then prints ONE JSON object with what it saw. The C# tests
// (tests/EnsembleGrpc.Interop.Tests, Node*Tests) compare it with our own client's answers and the true labels.
// tests/interop/inference_client.py prints the same JSON from python grpcio.
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function parseArgs(argv) {
  const args = { admin: false, timeoutMs: 30000 };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${name} needs a value`);
      return argv[++i];
    };
    switch (name) {
      case '--protos': args.protos = value(); break;
      case '--health-proto': args.healthProto = value(); break;
      case '--target': args.target = value(); break;
      case '--model': args.model = value(); break;
      case '--images': args.images = value(); break;
      case '--count': args.count = parseInt(value(), 10); break;
      case '--id-prefix': args.idPrefix = value(); break;
      case '--admin': args.admin = true; break;
      default: throw new Error(`unknown argument ${name}`);
    }
  }
  for (const required of ['protos', 'healthProto', 'target', 'model', 'images', 'count']) {
    if (args[required] === undefined) throw new Error(`--${required.replace(/[A-Z]/g, c => '-' + c.toLowerCase())} is required`);
  }
  args.idPrefix = args.idPrefix || 'node';
  return args;
}

// keepCase: the field names of the .proto files (raw_input_contents), as python and our JSON use them.
const loaderOptions = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

function load(file, includeDirs) {
  return grpc.loadPackageDefinition(protoLoader.loadSync(file, { ...loaderOptions, includeDirs }));
}

const statusNames = Object.fromEntries(Object.entries(grpc.status).map(([k, v]) => [v, k]));

function call(client, method, request, timeoutMs) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + timeoutMs }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

// A failed call becomes {"error": {"code": "INVALID_ARGUMENT", "details": "..."}} so the test can show it.
async function attempt(work) {
  try {
    return await work();
  } catch (error) {
    if (error && typeof error.code === 'number') {
      return { error: { code: statusNames[error.code] || String(error.code), details: error.details || '' } };
    }
    throw error;
  }
}

function tensors(list) {
  return list.map(t => ({ name: t.name, datatype: t.datatype, shape: t.shape.map(Number) }));
}

function argmaxRows(values, rows, classes) {
  const predictions = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if (values[r * classes + c] > values[r * classes + best]) best = c;
    }
    predictions.push(best);
  }
  return predictions;
}

// The "probabilities" output (the worker's only output; one of two at the router), raw or typed.
function probabilities(response) {
  const names = response.outputs.map(o => o.name);
  const index = names.indexOf('probabilities') >= 0 ? names.indexOf('probabilities') : 0;
  const output = response.outputs[index];
  let values;
  if (response.raw_output_contents.length > 0) {
    const raw = response.raw_output_contents[index];
    values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  } else {
    values = output.contents ? output.contents.fp32_contents : [];
  }
  return { names, output, values, typedInReply: output.contents ? output.contents.fp32_contents.length : 0 };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const protos = path.resolve(args.protos);
  const inference = load(path.join(protos, 'inference.proto'), [protos]).inference;
  const health = load(path.resolve(args.healthProto), [path.dirname(path.resolve(args.healthProto))]).grpc.health.v1;
  const credentials = grpc.credentials.createInsecure();
  const options = { 'grpc.max_receive_message_length': 64 * 1024 * 1024 };
  const client = new inference.GRPCInferenceService(args.target, credentials, options);
  const healthClient = new health.Health(args.target, credentials, options);
  const t = args.timeoutMs;

  const result = {};
  result.live = (await call(client, 'ServerLive', {}, t)).live;
  result.ready = (await call(client, 'ServerReady', {}, t)).ready;
  result.health = {};
  for (const service of ['', 'inference.GRPCInferenceService']) {
    result.health[service] = (await call(healthClient, 'Check', { service }, t)).status;
  }

  const meta = await call(client, 'ModelMetadata', { name: args.model }, t);
  result.metadata = { name: meta.name, versions: meta.versions, platform: meta.platform, inputs: tensors(meta.inputs), outputs: tensors(meta.outputs) };

  const images = fs.readFileSync(args.images);
  const shape = [args.count, 1, 28, 28];
  result.raw = await attempt(async () => {
    const response = await call(client, 'ModelInfer', {
      model_name: args.model, id: `${args.idPrefix}-raw`,
      inputs: [{ name: 'input', datatype: 'FP32', shape }],
      raw_input_contents: [images],
    }, t);
    const p = probabilities(response);
    return { id: response.id, outputs: p.names, shape: p.output.shape.map(Number), predictions: argmaxRows(p.values, args.count, 10), typed_contents_in_reply: p.typedInReply };
  });

  const floats = new Float32Array(images.buffer.slice(images.byteOffset, images.byteOffset + images.byteLength));
  result.typed = await attempt(async () => {
    const response = await call(client, 'ModelInfer', {
      model_name: args.model, id: `${args.idPrefix}-typed`,
      inputs: [{ name: 'input', datatype: 'FP32', shape, contents: { fp32_contents: Array.from(floats) } }],
    }, t);
    const p = probabilities(response);
    return { id: response.id, outputs: p.names, shape: p.output.shape.map(Number), predictions: argmaxRows(p.values, args.count, 10), raw_contents_in_reply: response.raw_output_contents.length };
  });

  if (args.admin) {
    const admin = load(path.join(protos, 'router_admin.proto'), [protos]).ensemblegrpc.router;
    const adminClient = new admin.RouterAdmin(args.target, credentials, options);
    const config = await call(adminClient, 'GetConfig', {}, t);
    const statistics = await call(adminClient, 'GetStatistics', { ensemble: args.model }, t);
    result.admin = {
      config: { version: config.version, source: config.source, ensembles: JSON.parse(config.config_json).ensembles.map(e => e.name) },
      statistics: statistics.ensembles.map(e => ({ name: e.name, requests: e.arms.reduce((sum, a) => sum + a.requests, 0), members: e.members.map(m => m.name) })),
    };
    adminClient.close();
  }

  client.close();
  healthClient.close();
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch(error => {
  process.stderr.write(`node client failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
