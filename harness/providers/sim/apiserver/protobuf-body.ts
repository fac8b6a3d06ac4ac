import { badRequest } from './api-error.ts';

/**
 * Request bodies in Kubernetes' protobuf encoding, for the kinds typed Go clients create that the
 * upstream conformance suite needs: controller-runtime sends every built-in type as
 * `application/vnd.kubernetes.protobuf` (pkg/client/apiutil/apimachinery.go), and the suite
 * creates its certificates as Secrets and its CA bundles as ConfigMaps that way.
 *
 * The envelope is the 4 bytes `k8s\0` and a runtime.Unknown message {typeMeta = 1 {apiVersion = 1,
 * kind = 2}, raw = 2} (apimachinery pkg/runtime/generated.proto); `raw` is the object, with the
 * field numbers of k8s.io/api core/v1 and apimachinery meta/v1 generated.proto (v0.36).
 */

export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Kinds whose protobuf body the sim decodes. */
export const PROTOBUF_KINDS = ['Secret', 'ConfigMap'];

interface Field {
  number: number;
  /** A varint's value, or a length-delimited field's bytes. */
  value: bigint | Buffer;
}

function readVarint(buf: Buffer, at: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = at; i < buf.length; i++) {
    const byte = buf[i];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, i + 1];
    shift += 7n;
  }
  throw badRequest('the protobuf body ends inside a varint');
}

/** The fields of one message, in order (repeated fields repeat). */
export function readFields(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < buf.length) {
    const [key, next] = readVarint(buf, at);
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    at = next;
    if (wire === 0) {
      const [value, after] = readVarint(buf, at);
      fields.push({ number, value });
      at = after;
    } else if (wire === 2) {
      const [length, after] = readVarint(buf, at);
      const end = after + Number(length);
      if (end > buf.length) throw badRequest('the protobuf body ends inside a field');
      fields.push({ number, value: buf.subarray(after, end) });
      at = end;
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4; // fixed-width numbers: no field of the kinds decoded here
    } else throw badRequest(`the protobuf body has an unknown wire type ${wire}`);
  }
  return fields;
}

const text = (v: bigint | Buffer) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
const bytes = (v: bigint | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.alloc(0));
const sub = (v: bigint | Buffer) => readFields(bytes(v));

/** A map<string, V> field's entries (key = 1, value = 2) into `into`. */
function mapEntry<V>(v: bigint | Buffer, into: Record<string, V>, value: (raw: bigint | Buffer) => V, empty: V) {
  const entry = sub(v);
  const key = entry.find((f) => f.number === 1);
  const val = entry.find((f) => f.number === 2);
  into[key ? text(key.value) : ''] = val ? value(val.value) : empty;
}

function ownerReference(v: bigint | Buffer): Record<string, unknown> {
  const names: Record<number, string> = { 5: 'apiVersion', 1: 'kind', 3: 'name', 4: 'uid' };
  const out: Record<string, unknown> = {};
  for (const f of sub(v)) {
    if (names[f.number]) out[names[f.number]] = text(f.value);
    else if (f.number === 6) out.controller = f.value !== 0n;
    else if (f.number === 7) out.blockOwnerDeletion = f.value !== 0n;
  }
  return out;
}

/** meta/v1 ObjectMeta: the fields a client sets on create (server-set ones are ignored, as on JSON). */
function objectMeta(v: bigint | Buffer): Record<string, unknown> {
  const strings: Record<number, string> = { 1: 'name', 2: 'generateName', 3: 'namespace', 6: 'resourceVersion' };
  const meta: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const owners: Record<string, unknown>[] = [];
  const finalizers: string[] = [];
  for (const f of sub(v)) {
    if (strings[f.number]) meta[strings[f.number]] = text(f.value);
    else if (f.number === 11) mapEntry(f.value, labels, text, '');
    else if (f.number === 12) mapEntry(f.value, annotations, text, '');
    else if (f.number === 13) owners.push(ownerReference(f.value));
    else if (f.number === 14) finalizers.push(text(f.value));
  }
  if (Object.keys(labels).length) meta.labels = labels;
  if (Object.keys(annotations).length) meta.annotations = annotations;
  if (owners.length) meta.ownerReferences = owners;
  if (finalizers.length) meta.finalizers = finalizers;
  return meta;
}

const base64 = (v: bigint | Buffer) => bytes(v).toString('base64');

/** core/v1 Secret {metadata 1, data 2 (bytes, JSON base64), type 3, stringData 4, immutable 5}. */
function secret(fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const data: Record<string, string> = {};
  const stringData: Record<string, string> = {};
  for (const f of fields) {
    if (f.number === 1) out.metadata = objectMeta(f.value);
    else if (f.number === 2) mapEntry(f.value, data, base64, '');
    else if (f.number === 3) out.type = text(f.value);
    else if (f.number === 4) mapEntry(f.value, stringData, text, '');
    else if (f.number === 5) out.immutable = f.value !== 0n;
  }
  if (Object.keys(data).length) out.data = data;
  if (Object.keys(stringData).length) out.stringData = stringData;
  return out;
}

/** core/v1 ConfigMap {metadata 1, data 2, binaryData 3 (bytes, JSON base64), immutable 4}. */
function configMap(fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const f of fields) {
    if (f.number === 1) out.metadata = objectMeta(f.value);
    else if (f.number === 2) mapEntry(f.value, data, text, '');
    else if (f.number === 3) mapEntry(f.value, binaryData, base64, '');
    else if (f.number === 4) out.immutable = f.value !== 0n;
  }
  if (Object.keys(data).length) out.data = data;
  if (Object.keys(binaryData).length) out.binaryData = binaryData;
  return out;
}

/** The object in a protobuf request body, as the JSON a client would have sent. */
export function decodeProtobufObject(body: Buffer, expectedKind: string): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC))
    throw badRequest('the protobuf body does not start with the Kubernetes magic number');
  const unknown = readFields(body.subarray(MAGIC.length));
  const typeMeta = sub(unknown.find((f) => f.number === 1)?.value ?? Buffer.alloc(0));
  const apiVersion = typeMeta.find((f) => f.number === 1);
  const kind = typeMeta.find((f) => f.number === 2);
  const raw = sub(unknown.find((f) => f.number === 2)?.value ?? Buffer.alloc(0));
  const kindName = kind ? text(kind.value) : expectedKind;
  const decoded = kindName === 'Secret' ? secret(raw) : kindName === 'ConfigMap' ? configMap(raw) : undefined;
  if (!decoded) throw badRequest(`the kindgate sim decodes no protobuf body of kind ${kindName}`);
  return { ...(apiVersion ? { apiVersion: text(apiVersion.value) } : {}), kind: kindName, ...decoded };
}
