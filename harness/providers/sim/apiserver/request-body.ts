import type { IncomingMessage } from 'node:http';
import YAML from 'yaml';
import { ApiError, badRequest } from './api-error.ts';
import { decodeProtobufObject, PROTOBUF_KINDS, PROTOBUF_TYPE } from './protobuf-body.ts';
import { contentTypeOf, type ResourceRequest } from './request.ts';
import type { KubeObject } from './store.ts';

/** Reading, decoding and checking request bodies as kube-apiserver does before a write. */

const MAX_BODY = 16 * 1024 * 1024;

async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

export function decodeBody(text: string, format: 'json' | 'yaml'): unknown {
  try {
    return format === 'json' ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw badRequest(`the request body could not be decoded: ${reason}`);
  }
}

function unsupportedBodyMessage(type: string): string {
  return (
    `the body of the request was in an unknown format (${type}) - accepted media types include: application/json, ` +
    `application/yaml (the kindgate sim decodes protobuf only for ${PROTOBUF_KINDS.join(' and ')}: ` +
    'use kubectl apply -f or create -f)'
  );
}

/** The body of a create or update: JSON, YAML or (Secret, ConfigMap) protobuf, one object, checked against the URL. */
export async function readObject(c: ResourceRequest): Promise<KubeObject> {
  const type = contentTypeOf(c, 'application/json');
  // Typed Go clients (controller-runtime, the upstream conformance suite) send built-in kinds as
  // protobuf; the sim decodes the kinds protobuf-body.ts knows.
  if (type === PROTOBUF_TYPE && c.info.group === '' && PROTOBUF_KINDS.includes(c.info.kind))
    return checkBody(c, decodeProtobufObject(await readBodyBytes(c.req), c.info.kind));
  if (!['application/json', 'application/yaml', '*/*', ''].includes(type)) {
    // kubectl's typed generators (`kubectl create namespace`, `run`, `expose`) send protobuf,
    // which the sim does not decode for other kinds; `kubectl apply -f` / `create -f` send JSON.
    throw new ApiError(415, 'UnsupportedMediaType', unsupportedBodyMessage(type));
  }
  return checkBody(c, decodeBody(await readBody(c.req), type === 'application/yaml' ? 'yaml' : 'json'));
}

/** Fill and check apiVersion, kind, name and namespace against the URL (as the real server does). */
export function checkBody(c: ResourceRequest, value: unknown): KubeObject {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw badRequest('the request body must be an object');
  // A new top level and metadata: a patched body shares the rest with the stored (frozen) object.
  const obj = { ...(value as KubeObject) };
  obj.metadata =
    obj.metadata && typeof obj.metadata === 'object' ? { ...obj.metadata } : ({} as KubeObject['metadata']);
  if (obj.apiVersion && obj.apiVersion !== c.apiVersion) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${c.apiVersion})`,
    );
  }
  if (obj.kind && obj.kind !== c.info.kind) {
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${c.info.kind})`);
  }
  obj.apiVersion = c.apiVersion;
  obj.kind = c.info.kind;
  if (c.name !== undefined) {
    if (obj.metadata.name && obj.metadata.name !== c.name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${c.name})`);
    }
    obj.metadata.name = c.name;
  }
  if (c.info.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== c.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = c.namespace;
  } else delete obj.metadata.namespace;
  return obj;
}
