import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/types.ts';
import { looksSecretName, redactObject, redactSecrets } from './redact.ts';

// The examples (issue 9, defect 5), and tokens of the usual shapes.
const STRIPE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
const API_KEY_ANNOTATION = 'hunter2-not-random';
const GITHUB = 'ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ';
const AWS = 'AKIAIOSFODNN7EXAMPLE';
const HIGH_ENTROPY = 'q8Xv2LmN7pR4tY9wK3zB6cF1hJ5gD0sA';

describe('secret redaction in text', () => {
  it.each([
    ['Authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
    ['"authorization":"Bearer abc123"', 'abc123'],
    ['    token: sha256~AbCdEf0123', 'sha256~AbCdEf0123'],
    ['client-key-data: LS0tLS1CRUdJTg==', 'LS0tLS1CRUdJTg=='],
    ['password=hunter2', 'hunter2'],
    ['jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl here', 'eyJhbGciOiJSUzI1NiJ9'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----', 'MIIB'],
    // issue 9: the env value and the annotation as they appear in logs and kubectl output
    [`API_TOKEN: ${STRIPE}`, STRIPE],
    [`env API_TOKEN=${STRIPE} set`, STRIPE],
    [`x-api-key=${API_KEY_ANNOTATION}`, API_KEY_ANNOTATION],
    [`"x-api-key": "${API_KEY_ANNOTATION}"`, API_KEY_ANNOTATION],
    [`DB_PASSWORD: 'p@ss w0rd'`, 'p@ss w0rd'],
    [`client_secret=${API_KEY_ANNOTATION}`, API_KEY_ANNOTATION],
    [`Cookie: session=${API_KEY_ANNOTATION}`, API_KEY_ANNOTATION],
    // values that look like tokens, whatever they are called
    [`using ${STRIPE} now`, STRIPE],
    [`pushed with ${GITHUB}`, GITHUB],
    [`aws ${AWS} key`, AWS],
    [`id=${HIGH_ENTROPY}`, HIGH_ENTROPY],
    ['postgres://app:s3cretPass@db:5432/app', 's3cretPass'],
    ['-----BEGIN CERTIFICATE-----\nMIIC0zCCAbugAwIBAgIJ\n-----END CERTIFICATE-----', 'MIIC0zCCAbugAwIBAgIJ'],
  ])('redacts %j', (text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
  });

  it.each([
    'info ads Push debounce stable[12] 3 for config Gateway/gw/external-gateway; automountServiceAccountToken: false',
    'image: docker.io/istio/proxyv2@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
    'uid: 3f2b9c1e-8d4a-4b6e-9f0a-1c2d3e4f5a6b',
    'containerID: containerd://5d41402abc4b2a76b9719d911017c592ae2b7d3f6e8a9c0b1d2e3f4a5b6c7d8e',
    'sessionAffinity: None',
    '  - key: node.kubernetes.io/not-ready',
    '    secretName: httpbin-tls',
    'secret:',
    'passwordFile: /etc/db/password',
    'HTTPBIN_ENV_VERSION: v2',
    'GatewayClassAcceptedWithSupportedFeaturesAndVersion',
    'pod-template-hash: 7c9d8f6b5',
    '2026-11-30T02:00:20Z  Normal  Started  Pod/external-gateway-istio-mf62cgb6r4-6qcc4  1  Started container istio-proxy',
    'ReplicaSet/httpbin-v2-5d8b7c9f4d-x7k2p Deployment/external-gateway-istio-7c9d8f6b5c',
    'K8sServiceAccountTokenAutomountEnabled HTTPRouteHeaderMatching1234567890ab',
    'GET /apis/gateway.networking.k8s.io/v1/namespaces/kindgate-1a2b3c/httproutes?watch=1',
  ])('leaves %j alone', (line) => {
    expect(redactSecrets(line)).toBe(line);
  });
});

describe('secret-looking names', () => {
  it.each([
    'API_TOKEN',
    'x-api-key',
    'apiKey',
    'DB_PASSWORD',
    'passwd',
    'AWS_SECRET_ACCESS_KEY',
    'client_secret',
    'GITHUB_CREDENTIALS',
    'BASIC_AUTH',
    'sessionCookie',
    'SESSION_ID',
    'private-key',
    'example.com/auth-token',
  ])('%s looks secret', (name) => expect(looksSecretName(name)).toBe(true));

  it.each([
    'HTTPBIN_ENV_VERSION',
    'kubernetes.io/psp',
    'deployment.kubernetes.io/revision',
    'app',
    'PORT',
    'sidecar.istio.io/inject',
    'author',
    'monkey',
    'keyboard-layout',
  ])('%s does not', (name) => expect(looksSecretName(name)).toBe(false));
});

describe('secret redaction in objects', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'payments',
      namespace: 'apps',
      annotations: { 'x-api-key': API_KEY_ANNOTATION, 'deployment.kubernetes.io/revision': '3' },
    },
    spec: {
      template: {
        metadata: { annotations: { 'example.com/session-token': 'abc' } },
        spec: {
          containers: [
            {
              name: 'app',
              env: [
                { name: 'API_TOKEN', value: STRIPE },
                { name: 'HTTPBIN_ENV_VERSION', value: 'v1' },
                { name: 'DB_PASSWORD', value: 'short' },
                { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
                { name: 'GREETING', value: `hello ${GITHUB}` },
              ],
            },
          ],
        },
      },
    },
  } as unknown as KubeObject;

  it('redacts env values and annotation values with secret-looking names, and token-looking values anywhere', () => {
    const out = redactObject(deployment) as any;
    const env = out.spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'API_TOKEN', value: '[REDACTED]' },
      { name: 'HTTPBIN_ENV_VERSION', value: 'v1' },
      { name: 'DB_PASSWORD', value: '[REDACTED]' },
      { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'GREETING', value: 'hello [REDACTED]' },
    ]);
    expect(out.metadata.annotations).toEqual({ 'x-api-key': '[REDACTED]', 'deployment.kubernetes.io/revision': '3' });
    expect(out.spec.template.metadata.annotations).toEqual({ 'example.com/session-token': '[REDACTED]' });
    // The input is not changed.
    expect((deployment as any).metadata.annotations['x-api-key']).toBe(API_KEY_ANNOTATION);
  });
});
