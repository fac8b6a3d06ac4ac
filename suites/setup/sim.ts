import type { TestProject } from 'vitest/node';
import { Session } from '../../harness/run/session.ts';
import { parseRunOptions } from '../../harness/config/parse.ts';
import { createLogger, createMemoryLogger } from '../../harness/log.ts';
import { getProfile } from '../../harness/profiles/index.ts';

/**
 * Global setup of the vitest `sim` project: provision the simulated cluster through the same
 * session and pipeline as `kindgate test --provider sim`, and hand the suites its handle.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const options = parseRunOptions('test', ['--provider', 'sim']);
  // Quiet unless debugging: vitest's own reporter is the output of `npm test`.
  const log = process.env.KINDGATE_DEBUG ? createLogger({ verbose: true }) : createMemoryLogger();
  const session = await Session.create(options, getProfile(options.profile), log);
  try {
    const { handle } = await session.provision();
    project.provide('kindgate', handle);
  } catch (error) {
    await session.teardown();
    throw error;
  }
  return () => session.teardown();
}
