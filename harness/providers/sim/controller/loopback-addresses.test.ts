import { describe, expect, it } from 'vitest';
import { assertLoopback, blockAddress, LoopbackAddresses } from './loopback-addresses.ts';

describe('loopback address pool', () => {
  it('names host i of block b 127.<b high>.<b low>.i', () => {
    expect(blockAddress(40123, 1)).toBe('127.156.187.1');
    expect(blockAddress(0x0102, 254)).toBe('127.1.2.254');
  });

  it('refuses anything outside 127.0.0.0/8', () => {
    expect(assertLoopback('127.9.9.9')).toBe('127.9.9.9');
    for (const bad of ['10.0.0.1', '0.0.0.0', '128.0.0.1', '127.0.0', '127.0.0.256', 'localhost']) {
      expect(() => assertLoopback(bad)).toThrow(/127\.0\.0\.0\/8 only/);
    }
  });

  it('hands out addresses in order, one per key, and the same one again for the same key', async () => {
    const pool = await LoopbackAddresses.open({ block: 0x0102 });
    expect(pool.allocate('ns/a')).toBe('127.1.2.1');
    expect(pool.allocate('ns/b')).toBe('127.1.2.2');
    expect(pool.allocate('ns/a')).toBe('127.1.2.1');
    expect(pool.addressOf('ns/b')).toBe('127.1.2.2');
    await pool.close();
  });

  it('never hands out a live address; a released one comes back only after the rest of the block', async () => {
    const pool = await LoopbackAddresses.open({ block: 0x0102 });
    pool.allocate('keep');
    pool.allocate('gone');
    pool.release('gone');
    expect(pool.addressOf('gone')).toBeUndefined();
    expect(pool.allocate('third')).toBe('127.1.2.3');
    for (let i = 4; i <= 254; i++) expect(pool.allocate(`k${i}`)).toBe(`127.1.2.${i}`);
    // Wrapped around: .1 is live (keep), .2 was released.
    expect(pool.allocate('again')).toBe('127.1.2.2');
    expect(pool.allocate('full')).toBeUndefined();
    await pool.close();
  });
});
