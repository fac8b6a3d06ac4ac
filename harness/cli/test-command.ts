import { parseRunOptions } from '../config/parse.ts';
import { ExitCode, KindgateError, SetupError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { getProfile } from '../profiles/index.ts';
import { runSuites } from '../run/suites.ts';
import { printPlan } from './plan.ts';
import { Session } from './session.ts';

/** `kindgate test`: provision, run the suites, report, tear down. Returns the exit code. */
export async function testCommand(argv: string[]): Promise<number> {
  const options = parseRunOptions('test', argv);
  const log = createLogger({ verbose: options.verbose });
  const profile = getProfile(options.profile);
  if (options.dryRun) return printPlan(options, profile);

  const session = await Session.create(options, profile, log);
  try {
    let provisioned;
    try {
      provisioned = await session.provision();
    } catch (error) {
      throw asSetupError(error);
    }
    const passed = await runSuites(provisioned.handle, { log });
    return passed ? ExitCode.ok : ExitCode.suiteFailed;
  } finally {
    await session.teardown();
  }
}

/** Anything that goes wrong once provisioning started is a setup failure unless it says otherwise. */
export function asSetupError(error: unknown): KindgateError {
  if (error instanceof KindgateError) return error;
  return new SetupError(`Setup failed: ${(error as Error).message}`, { cause: error });
}
