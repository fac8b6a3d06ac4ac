import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandLine } from '../exec.ts';
import { createMemoryLogger } from '../log.ts';
import { sha256, type DetachedRecord } from '../run/detached-state.ts';
import { downKind } from './down-kind.ts';

function fixture(kubeconfigText: string, recordedText = kubeconfigText) {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kg-down-kind-')), 'kindgate-dev.kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText);
  const record: DetachedRecord = {
    version: 1,
    name: 'kindgate-dev',
    provider: 'kind',
    kubeconfig,
    kubeconfigCreated: true,
    kubeconfigSha256: sha256(recordedText),
    ports: [],
    startedAt: '2026-01-01T00:00:00Z',
    kind: { cluster: 'kindgate-dev', engine: 'docker', relayLabel: { 'kindgate.relay': 'kindgate-dev' } },
  };
  const commands: string[] = [];
  const deps = {
    kind: async () => '/cache/kind',
    run: async (command: CommandLine) => {
      commands.push([command.file, ...command.args].join(' '));
      if (command.args[0] === 'delete') writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n'); // kind edits it
      return { stdout: command.args[0] === 'ps' ? 'abc123\n' : '', stderr: '', exitCode: 0 };
    },
  };
  return { record, commands, deps, kubeconfig };
}

describe('down for a detached kind cluster', () => {
  it('deletes the recorded cluster with its kubeconfig, its relays by label, then the kubeconfig kindgate wrote', async () => {
    const { record, commands, deps, kubeconfig } = fixture('kindgate wrote this');
    await downKind(record, deps, createMemoryLogger());
    expect(commands).toEqual([
      `/cache/kind delete cluster --name kindgate-dev --kubeconfig ${kubeconfig}`,
      'docker ps -aq --filter label=kindgate.relay=kindgate-dev',
      'docker rm -f abc123',
    ]);
    expect(() => readFileSync(kubeconfig)).toThrow();
  });

  it('leaves a kubeconfig that changed since kindgate wrote it', async () => {
    const { record, deps, kubeconfig } = fixture('someone edited this', 'kindgate wrote this');
    await downKind(record, deps, createMemoryLogger());
    expect(readFileSync(kubeconfig, 'utf8')).toBe('apiVersion: v1\nkind: Config\n');
  });
});
