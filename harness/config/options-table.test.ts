import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withOptionsTable } from './options-table.ts';

describe('README options', () => {
  it('lists every option exactly as the parser knows it (run `npx tsx scripts/readme-options.ts` to refresh)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(withOptionsTable(readme));
  });
});
