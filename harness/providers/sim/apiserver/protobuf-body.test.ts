import { describe, expect, it } from 'vitest';
import { decodeProtobufObject, readFields } from './protobuf-body.ts';
import { entry, envelope, field, flag } from './protobuf.test-helper.ts';

const metadata = field(
  1,
  Buffer.concat([
    field(1, 'certificate'),
    field(3, 'gateway-conformance-web-backend'),
    entry(11, 'app', 'web'),
    entry(12, 'note', 'yes'),
    field(13, Buffer.concat([field(5, 'v1'), field(1, 'Pod'), field(3, 'p'), field(4, 'uid-1'), flag(6, true)])),
    field(14, 'example.com/finalizer'),
  ]),
);

describe('protobuf request bodies', () => {
  it('decodes a Secret as the JSON a client would have sent (data as base64)', () => {
    const raw = Buffer.concat([
      metadata,
      entry(2, 'tls.crt', Buffer.from([0xde, 0xad, 0xbe, 0xef])),
      field(3, 'kubernetes.io/tls'),
      entry(4, 'note', 'plain'),
      flag(5, true),
    ]);
    expect(decodeProtobufObject(envelope('v1', 'Secret', raw), 'Secret')).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'certificate',
        namespace: 'gateway-conformance-web-backend',
        labels: { app: 'web' },
        annotations: { note: 'yes' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'uid-1', controller: true }],
        finalizers: ['example.com/finalizer'],
      },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': '3q2+7w==' },
      stringData: { note: 'plain' },
      immutable: true,
    });
  });

  it('decodes a ConfigMap with data and binaryData', () => {
    const raw = Buffer.concat([metadata, entry(2, 'ca.crt', 'PEM'), entry(3, 'bin', Buffer.from('hi'))]);
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw), 'ConfigMap')).toMatchObject({
      kind: 'ConfigMap',
      metadata: { name: 'certificate' },
      data: { 'ca.crt': 'PEM' },
      binaryData: { bin: 'aGk=' },
    });
  });

  it('refuses a body without the magic number, a truncated one, and kinds it does not know', () => {
    expect(() => decodeProtobufObject(Buffer.from('{"kind":"Secret"}'), 'Secret')).toThrow(/magic number/);
    expect(() => readFields(Buffer.from([0x0a, 0x05, 0x61]))).toThrow(/ends inside a field/);
    expect(() => decodeProtobufObject(envelope('v1', 'Service', Buffer.alloc(0)), 'Service')).toThrow(
      /decodes no protobuf body of kind Service/,
    );
  });
});
