import { it, type TestContext } from 'vitest';
import type { CaseMeta } from './catalog.ts';

/**
 * One suite case: its metadata beside its body. Registers a vitest test named by the title and
 * carries the metadata in the task (`task.meta.kindgateCase`), where the result collector reads
 * the id and suites/catalog.unit.test.ts derives the catalog from.
 */
export function defineCase(meta: CaseMeta, body: (ctx: TestContext) => Promise<void>): void {
  it(meta.title, { meta: { kindgateCase: meta } }, body);
}
