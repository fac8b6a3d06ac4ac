import { describe, expect, it } from 'vitest';
import { alive, sleepingChild } from './child-process.test-helper.ts';
import { createMemoryLogger } from './log.ts';
import { CommandError, formatCommand, runCommand } from './exec.ts';

describe('runCommand', () => {
  it('returns stdout and streams output lines to the debug log', async () => {
    const log = createMemoryLogger();
    const result = await runCommand(
      { file: process.execPath, args: ['-e', 'console.log("one\\ntwo")'], timeoutMs: 10_000 },
      log,
    );
    expect(result.stdout.trim()).toBe('one\ntwo');
    expect(log.lines).toContain('    one');
    expect(log.lines).toContain('    two');
  });

  it('carries the command, exit code and stderr tail on failure', async () => {
    const error = await runCommand({
      file: process.execPath,
      args: ['-e', 'console.error("boom happened"); process.exit(3)'],
      timeoutMs: 10_000,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error.status).toBe(3);
    expect(error.exitCode).toBe(4);
    expect(error.stderrTail).toBe('boom happened');
    expect(error.message).toContain('exited with code 3: boom happened');
    expect(error.command).toContain(process.execPath);
  });

  it('stops the command when its signal is aborted, and the process is gone when it rejects', async () => {
    const controller = new AbortController();
    const child = sleepingChild();
    const running = runCommand(child.command, undefined, { signal: controller.signal }).catch((e) => e);
    const pid = await child.pid();
    expect(alive(pid)).toBe(true);
    const started = performance.now();
    controller.abort(new Error('MetalLB v0.16.1 ready failed'));
    const error = await running;
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(CommandError);
    expect(error.reason).toBe('canceled');
    expect(error.message).toMatch(/^`sh -c .*` was stopped before it finished \(MetalLB v0\.16\.1 ready failed\)\.$/);
    expect(alive(pid)).toBe(false);
  });

  it('says which program is missing', async () => {
    const error = await runCommand({ file: 'kindgate-no-such-tool', args: [], timeoutMs: 5_000 }).catch((e) => e);
    expect(error.reason).toBe('not-found');
    expect(error.message).toMatch(/^`kindgate-no-such-tool` was not found on PATH/);
  });
});

describe('formatCommand', () => {
  it('quotes only what a shell would split', () => {
    expect(formatCommand({ file: 'istioctl', args: ['install', '--set', 'profile=minimal', '-y', "it's here"] })).toBe(
      "istioctl install --set profile=minimal -y 'it'\\''s here'",
    );
  });
});
