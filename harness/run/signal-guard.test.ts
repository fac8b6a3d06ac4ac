import { describe, expect, it } from 'vitest';
import { keepNewSignalListenersOut } from './signal-guard.ts';

describe('keepNewSignalListenersOut', () => {
  it('removes SIGINT/SIGTERM listeners added while it is on (once-listeners too), keeps the others and later ones', async () => {
    const before = process.listeners('SIGINT');
    const exitAtOnce = () => undefined;
    const other = () => undefined;
    const release = keepNewSignalListenersOut();
    process.once('SIGINT', exitAtOnce);
    process.on('SIGTERM', exitAtOnce);
    process.on('beforeExit', other);
    await Promise.resolve();
    expect(process.listeners('SIGINT')).toEqual(before);
    expect(process.listeners('SIGTERM')).not.toContain(exitAtOnce);
    expect(process.listeners('beforeExit')).toContain(other);
    release();
    const later = () => undefined;
    process.on('SIGINT', later);
    await Promise.resolve();
    expect(process.listeners('SIGINT')).toContain(later);
    process.off('SIGINT', later);
    process.off('beforeExit', other);
  });
});
