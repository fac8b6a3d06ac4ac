import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTimeouts, type RunOptions } from '../../config/options.ts';
import { CommandError, formatCommand, type CommandLine, type CommandResult } from '../../exec.ts';
import type { KubeObject } from '../../kube/types.ts';
import { createMemoryLogger } from '../../log.ts';
import { pins } from '../../pins.ts';
import { istioProfile } from '../../profiles/istio.ts';
import type { Profile } from '../../profiles/types.ts';
import type { ClusterKube, KindProviderDeps } from './context.ts';
import { createKindProvider } from './provider.ts';
import { sha256Text } from './tools/checksum.ts';
import type { Downloader } from './tools/download.ts';
import { tarGz } from './tools/tar.test-helper.ts';

/**
 * The kind provider's tests' machine: RunOptions of a kind run, and fake deps (commands, network,
 * cluster) that record what was asked of them. No kind, Docker or network is touched.
 */

/** A kind run's options (cluster kindgate-t1, Istio); the cache dir is a new temp dir unless given. */
export function kindOptions(over: Partial<RunOptions> = {}): RunOptions {
  return {
    provider: 'kind',
    profile: 'istio',
    namespace: 'kindgate-t1',
    gatewayNamespace: 'istio-system',
    ownedNamespaces: ['kindgate-t1'],
    hostname: 'httpbin.example.com',
    listenerPort: 80,
    httpbinImage: pins.httpbin.image,
    clusterName: 'kindgate-t1',
    reuse: false,
    keep: false,
    reach: 'auto',
    relayImage: pins.relay.image,
    channel: 'standard',
    cacheDir: over.cacheDir ?? mkdtempSync(join(tmpdir(), 'kg-kind-')),
    dryRun: false,
    allowExisting: false,
    reportDir: 'reports',
    verbose: true,
    timeouts: defaultTimeouts,
    ...over,
  };
}

const BUNDLE = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gateways.gateway.networking.k8s.io}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: httproutes.gateway.networking.k8s.io}
`;
const INSPECT = JSON.stringify([
  {
    Name: 'kind',
    IPAM: { Config: [{ Subnet: 'fc00:f853:ccd:e793::/64' }, { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] },
  },
]);

/** The istioctl release on the fake network: an archive with the binary, and its published checksum. */
const ISTIOCTL_BYTES = '#!istioctl 1.31.0';
const ISTIO_ARCHIVE = tarGz({ istioctl: ISTIOCTL_BYTES });
/** What the fake PATH binaries hash to: the pinned kind and the verified archive's istioctl. */
const PATH_HASHES: Record<string, string> = {
  '/usr/local/bin/kind': pins.kind.sha256['linux-amd64'],
  '/usr/local/bin/istioctl': sha256Text(ISTIOCTL_BYTES),
};

/** `docker info --format '{{json .}}'` of a local rootful engine on Linux (GitHub's ubuntu-latest), and of Docker Desktop. */
const LINUX_ENGINE_INFO = JSON.stringify({
  ServerVersion: '28.0.4',
  OperatingSystem: 'Ubuntu 24.04.2 LTS',
  Name: 'runner',
  SecurityOptions: ['name=apparmor', 'name=seccomp,profile=builtin', 'name=cgroupns'],
});
export const DOCKER_DESKTOP_INFO = JSON.stringify({
  ServerVersion: '28.0.4',
  OperatingSystem: 'Docker Desktop',
  Name: 'docker-desktop',
  SecurityOptions: ['name=seccomp,profile=unconfined', 'name=cgroupns'],
});

export type Failures = Partial<Record<'docker' | 'create' | 'metallb' | 'crds' | 'istio' | 'pool' | 'vendor', Error>>;

/** Fakes for the machine: commands, network and cluster, recording what was asked of them. */
export function kindFakes(
  fail: Failures = {},
  extra: { clusters?: string[]; onPath?: string[]; engineInfo?: string } = {},
) {
  const commands: string[] = [];
  const ran: CommandLine[] = [];
  const applied: string[] = [];
  const waited: string[] = [];
  const relays: { stopped: boolean }[] = [];
  let poolRefusals = 0;
  const run = async (c: CommandLine): Promise<CommandResult> => {
    const line = formatCommand(c);
    commands.push(line);
    ran.push(c);
    const ok = (stdout = '') => ({ stdout, stderr: '', exitCode: 0 });
    if (c.file === 'helm') {
      if (fail.vendor) throw fail.vendor;
      return ok();
    }
    const args = c.args.join(' ');
    if (c.file === 'docker' && args.startsWith('info')) {
      if (fail.docker) throw fail.docker;
      return ok(extra.engineInfo ?? LINUX_ENGINE_INFO);
    }
    if (c.file === 'docker' && args.startsWith('context inspect')) return ok('unix:///var/run/docker.sock\n');
    if (args === 'version') return ok('kind v0.33.0 go1.24.6 linux/amd64\n');
    if (args.startsWith('version --remote=false')) return ok('client version: 1.31.0\n');
    if (args === 'get clusters') return ok((extra.clusters ?? []).join('\n'));
    if (args.startsWith('get kubeconfig')) return ok('apiVersion: v1\nkind: Config\n');
    if (args.startsWith('create cluster')) {
      if (fail.create) throw fail.create;
      return ok();
    }
    if (args.startsWith('network inspect')) return ok(INSPECT);
    if (args.startsWith('install')) {
      if (fail.istio) throw fail.istio;
      return ok();
    }
    return ok();
  };
  const download: Downloader = {
    async toFile(url, dest) {
      if (url.includes('istioctl')) {
        await writeFile(dest, ISTIO_ARCHIVE);
        return { sha256: sha256Text(ISTIO_ARCHIVE), bytes: ISTIO_ARCHIVE.length };
      }
      const body = url.includes('metallb')
        ? 'kind: Namespace\napiVersion: v1\nmetadata: {name: metallb-system}\n'
        : BUNDLE;
      await writeFile(dest, body);
      // The fake network serves what the pins promise.
      const sha256 = url.includes('metallb') ? pins.metallb.sha256 : pins.gatewayApi.standard.sha256;
      return { sha256, bytes: body.length };
    },
    text: async (url) => (url.includes('istioctl') ? `${sha256Text(ISTIO_ARCHIVE)}  ${url.split('/').pop()}` : ''),
    head: async () => 200,
  };
  const kube: ClusterKube = {
    async apply(input) {
      const text = String(input);
      if (text.includes('IPAddressPool')) {
        if (fail.pool && poolRefusals++ < 1) throw fail.pool;
      } else if (text.includes('metallb-system') && fail.metallb) throw fail.metallb;
      else if (text.includes('CustomResourceDefinition') && fail.crds) throw fail.crds;
      applied.push(text);
      return [];
    },
    async get(ref) {
      return {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: ref.name, namespace: ref.namespace },
        spec: { listeners: [{ name: 'http', port: 80 }] },
        status: { addresses: [{ type: 'IPAddress', value: '172.18.255.200' }] },
      } as KubeObject;
    },
    async waitFor(ref) {
      waited.push(`${ref.kind} ${ref.namespace ?? ''}/${ref.name}`);
      return {} as KubeObject;
    },
    async waitForApi() {},
    list: async () => [],
    events: async () => [],
  };
  const deps: Partial<KindProviderDeps> = {
    run,
    download,
    kube: () => kube,
    host: { platform: 'linux', arch: 'x64', env: {} },
    nodeVersion: '20.19.0',
    which: async (name) =>
      ['kind', 'istioctl', ...(extra.onPath ?? [])].includes(name) ? `/usr/local/bin/${name}` : undefined,
    hashFile: async (path) => PATH_HASHES[path] ?? 'f'.repeat(64),
    connectable: async () => false,
    directWaitMs: 0,
    startRelay: async () => {
      const relay = { stopped: false };
      relays.push(relay);
      return { id: 'r1', endpoint: { host: '127.0.0.1', port: 32768 }, stop: async () => void (relay.stopped = true) };
    },
  };
  return { deps, commands, ran, applied, waited, relays };
}

/** The teardown's `kind delete cluster` line for run options `o`, as the fakes record it. */
export const deleteLine = (o: RunOptions) =>
  `/usr/local/bin/kind delete cluster --name kindgate-t1 --kubeconfig ${join(o.cacheDir, 'clusters', 'kindgate-t1.kubeconfig')}`;

/** `docker info` failing with `stderr` (the engine's own words), as kindFakes' failure. */
export function dockerInfoFails(stderr: string): Failures {
  return { docker: new CommandError('docker info', 1, stderr, 'exit', 'x') };
}

/** The error a kind run's start() fails with (a start that succeeds fails the test). */
export async function startError(
  options: RunOptions,
  deps: Partial<KindProviderDeps>,
  profile: Profile = istioProfile,
): Promise<Error & { exitCode?: number }> {
  return createKindProvider(options, profile, deps)
    .start(createMemoryLogger())
    .then(
      () => {
        throw new Error('start() succeeded; the test expects it to fail');
      },
      (error: Error & { exitCode?: number }) => error,
    );
}
