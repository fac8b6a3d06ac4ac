import { describe, expect, it } from 'vitest';
import { CommandError, type CommandLine, type RunCommand } from '../exec.ts';
import { createMemoryLogger } from '../log.ts';
import { firstProxyUrl, learnGoProxy } from './go-proxy.ts';

/** A `go` whose `go env GOPROXY` prints `output` (or fails with it), recording what was asked. */
function fakeGo(output: string | Error) {
  const calls: CommandLine[] = [];
  const run: RunCommand = async (command) => {
    calls.push(command);
    if (output instanceof Error) throw output;
    return { stdout: `${output}\n`, stderr: '', exitCode: 0 };
  };
  return { run, calls };
}

describe('the Go module proxy, learned from this machine', () => {
  it('GOPROXY when set: `go` is not asked', async () => {
    const go = fakeGo('unused');
    expect(await learnGoProxy({ GOPROXY: ' https://goproxy.example.test/,direct ' }, go.run)).toEqual({
      list: 'https://goproxy.example.test/,direct',
      from: 'GOPROXY',
      base: 'https://goproxy.example.test',
    });
    expect(go.calls).toEqual([]);
  });

  it('else `go env GOPROXY` (empty GOPROXY means unset to Go too), never downloading a toolchain', async () => {
    const go = fakeGo('https://mirror.example.test/go|https://other.example.test,direct');
    expect(await learnGoProxy({ GOPROXY: '' }, go.run)).toEqual({
      list: 'https://mirror.example.test/go|https://other.example.test,direct',
      from: 'go env GOPROXY',
      base: 'https://mirror.example.test/go',
    });
    expect(go.calls.map((c) => [c.file, ...c.args, c.env?.GOTOOLCHAIN])).toEqual([['go', 'env', 'GOPROXY', 'local']]);
  });

  it('nothing learned without GOPROXY and without a usable go: the runner’s Go uses its defaults', async () => {
    const missing = new CommandError('go env GOPROXY', undefined, '', 'not-found', '`go` was not found on PATH');
    const log = createMemoryLogger();
    expect(await learnGoProxy({}, fakeGo(missing).run, log)).toBeUndefined();
    expect(log.lines.join('\n')).toContain('no Go module proxy learned on this machine');
    expect(await learnGoProxy({}, fakeGo('').run)).toBeUndefined();
  });

  it('reads a GOPROXY list as Go does: the first proxy before direct/off, scheme-less hosts as https', () => {
    expect(firstProxyUrl('https://goproxy.example.test,direct')).toBe('https://goproxy.example.test');
    expect(firstProxyUrl('http://127.0.0.1:3000/')).toBe('http://127.0.0.1:3000');
    expect(firstProxyUrl('goproxy.example.test')).toBe('https://goproxy.example.test');
    expect(firstProxyUrl(' , file:///srv/goproxy,https://goproxy.example.test')).toBe('https://goproxy.example.test');
    expect(firstProxyUrl('direct')).toBeUndefined();
    expect(firstProxyUrl('off')).toBeUndefined();
    expect(firstProxyUrl('direct,https://goproxy.example.test')).toBeUndefined();
    expect(firstProxyUrl('off|https://goproxy.example.test')).toBeUndefined();
    expect(firstProxyUrl('/srv/goproxy')).toBeUndefined();
  });
});
