import { describe, expect, it } from 'vitest';
import { pickWeighted } from './backends.ts';

describe('pickWeighted', () => {
  const items = [
    { id: 'a', weight: 1 },
    { id: 'zero', weight: 0 },
    { id: 'b', weight: 3 },
  ];

  it('splits by weight and never picks weight 0', () => {
    expect(pickWeighted(items, () => 0)?.id).toBe('a');
    expect(pickWeighted(items, () => 0.24)?.id).toBe('a');
    expect(pickWeighted(items, () => 0.25)?.id).toBe('b');
    expect(pickWeighted(items, () => 0.999)?.id).toBe('b');
  });

  it('has nothing to pick when all weights are 0 or there are no backends', () => {
    expect(pickWeighted([{ weight: 0 }], () => 0.5)).toBeUndefined();
    expect(pickWeighted([], () => 0.5)).toBeUndefined();
  });
});
