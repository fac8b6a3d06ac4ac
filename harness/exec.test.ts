import { describe, expect, it } from 'vitest';
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
