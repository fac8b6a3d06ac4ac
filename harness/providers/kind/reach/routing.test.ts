import { describe, expect, it } from 'vitest';
import { contextEndpointCommand, hostRouting, parseEngineInfo, routingFromHost } from './routing.ts';

const dockerInfo = (over: Record<string, unknown>) =>
  JSON.stringify({
    ServerVersion: '29.1.0',
    OperatingSystem: 'Ubuntu 24.04.3 LTS',
    Name: 'runner',
    SecurityOptions: ['name=apparmor', 'name=seccomp,profile=builtin', 'name=cgroupns'],
    ...over,
  });

describe('is the kind network routable from this host', () => {
  it('reads Docker Desktop and rootless engines from `docker info` (and nerdctl’s, the same JSON)', () => {
    expect(parseEngineInfo('docker', dockerInfo({}))).toEqual({ desktop: false, rootless: false, remote: false });
    expect(parseEngineInfo('docker', dockerInfo({ OperatingSystem: 'Docker Desktop' }))?.desktop).toBe(true);
    expect(parseEngineInfo('docker', dockerInfo({ Name: 'docker-desktop' }))?.desktop).toBe(true);
    const rootless = dockerInfo({
      SecurityOptions: ['name=seccomp,profile=builtin', 'name=rootless', 'name=cgroupns'],
    });
    expect(parseEngineInfo('docker', rootless)?.rootless).toBe(true);
    expect(parseEngineInfo('nerdctl', rootless)?.rootless).toBe(true);
    expect(parseEngineInfo('docker', '29.1.0\n')).toBeUndefined();
  });

  it('reads rootless and remote podman from `podman info --format json`', () => {
    const podman = (host: Record<string, unknown>) => JSON.stringify({ host, version: { Version: '5.4.0' } });
    expect(parseEngineInfo('podman', podman({ security: { rootless: true }, serviceIsRemote: false }))).toEqual({
      desktop: false,
      rootless: true,
      remote: false,
    });
    expect(parseEngineInfo('podman', podman({ security: { rootless: false }, serviceIsRemote: true }))?.remote).toBe(
      true,
    );
  });

  it('decides from the platform and DOCKER_HOST alone where it can (what --dry-run shows)', () => {
    expect(routingFromHost('darwin', 'docker', {})).toEqual({
      routable: false,
      why: 'on darwin the engine runs in a VM whose networks are not routable from this host',
    });
    expect(routingFromHost('linux', 'docker', { DOCKER_HOST: 'ssh://ci@builder' })).toEqual({
      routable: false,
      why: 'DOCKER_HOST=ssh://ci@builder is a remote engine',
    });
    expect(routingFromHost('linux', 'docker', { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBeUndefined();
    expect(routingFromHost('linux', 'podman', { DOCKER_HOST: 'tcp://x:2375' })).toBeUndefined();
    expect(routingFromHost('linux', 'docker', {})).toBeUndefined();
  });

  it('routable only on Linux with a local, rootful engine outside Docker Desktop', () => {
    const linux = { platform: 'linux', engine: 'docker' as const, env: {} };
    const local = { desktop: false, rootless: false, remote: false };
    expect(hostRouting({ ...linux, facts: local, contextEndpoint: 'unix:///var/run/docker.sock\n' })).toEqual({
      routable: true,
      why: 'a local engine on Linux: the kind network is routable from this host',
    });
    expect(hostRouting({ ...linux, facts: { ...local, desktop: true } }).why).toBe(
      'Docker Desktop runs the engine in a VM',
    );
    expect(hostRouting({ ...linux, facts: { ...local, rootless: true } }).why).toBe(
      'a rootless docker keeps its networks in its own network namespace',
    );
    expect(hostRouting({ ...linux, engine: 'podman', facts: { ...local, remote: true } }).routable).toBe(false);
    expect(hostRouting({ ...linux, facts: local, contextEndpoint: 'tcp://10.0.0.5:2376' })).toEqual({
      routable: false,
      why: "the current docker context's endpoint tcp://10.0.0.5:2376 is a remote engine",
    });
    expect(hostRouting({ ...linux, platform: 'darwin', facts: local }).routable).toBe(false);
  });

  it('asks docker for its current context only when DOCKER_HOST does not decide', () => {
    expect(contextEndpointCommand('docker', {})?.args).toEqual([
      'context',
      'inspect',
      '--format',
      '{{.Endpoints.docker.Host}}',
    ]);
    expect(contextEndpointCommand('docker', { DOCKER_HOST: 'unix:///var/run/docker.sock' })).toBeUndefined();
    expect(contextEndpointCommand('podman', {})).toBeUndefined();
  });
});
