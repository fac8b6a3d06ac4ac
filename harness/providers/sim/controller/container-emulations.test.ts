import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../apiserver/store.ts';
import { emulationOf } from './container-emulations.ts';
import { containerEnv, podField } from './pod-env.ts';

describe('container emulations', () => {
  it('recognises echo-basic from any registry, at any tag or digest, in its HTTP mode only', () => {
    for (const image of [
      'registry.k8s.io/gateway-api/echo-basic:v1.5.1',
      'gcr.io/k8s-staging-gateway-api/echo-basic:v20240101-abc',
      'mirror.example.com:5000/gw/echo-basic',
      `echo-basic@sha256:${'a'.repeat(64)}`,
    ])
      expect(emulationOf(image, {})).toBe('echo-basic');
    expect(emulationOf('registry.k8s.io/gateway-api/echo-basic:v1.5.1', { GRPC_ECHO_SERVER: '1' })).toBeUndefined();
    expect(emulationOf('registry.k8s.io/gateway-api/echo-basic:v1.5.1', { TCP_ECHO_SERVER: 'true' })).toBeUndefined();
    expect(emulationOf('example.com/echo-basic-fork:v1', {})).toBeUndefined();
  });

  it('keeps httpbin images as before and runs nothing for other images', () => {
    expect(emulationOf('mccutchen/go-httpbin:2.25.0', {})).toBe('httpbin');
    expect(emulationOf('docker.io/istio/pilot:1.31.0', {})).toBeUndefined();
    expect(emulationOf(undefined, {})).toBeUndefined();
  });
});

describe('container environment (values and the Downward API)', () => {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-abc', namespace: 'apps', uid: 'u-1', labels: { app: 'web' }, annotations: { a: 'b' } },
    spec: { nodeName: 'node-1' },
    status: { podIP: '10.244.0.10', hostIP: '172.18.0.2' },
  };

  it('resolves fieldRef paths the kubelet supports', () => {
    expect(podField(pod, 'metadata.name')).toBe('web-abc');
    expect(podField(pod, 'metadata.namespace')).toBe('apps');
    expect(podField(pod, "metadata.labels['app']")).toBe('web');
    expect(podField(pod, "metadata.annotations['a']")).toBe('b');
    expect(podField(pod, 'spec.nodeName')).toBe('node-1');
    expect(podField(pod, 'spec.serviceAccountName')).toBe('default');
    expect(podField(pod, 'status.podIP')).toBe('10.244.0.10');
    expect(podField(pod, 'status.nope')).toBeUndefined();
  });

  it('builds the env in order: values with $(VAR) expanded, fieldRefs resolved, secret refs left out', () => {
    const env = containerEnv(
      [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'GREETING', value: 'pod $(POD_NAME) costs $$5, $(LATER) stays' },
        { name: 'LATER', value: 'x' },
        { name: 'TOKEN', valueFrom: {} },
      ],
      pod,
    );
    expect(env).toEqual({ POD_NAME: 'web-abc', GREETING: 'pod web-abc costs $5, $(LATER) stays', LATER: 'x' });
  });
});
