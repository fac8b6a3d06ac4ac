import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleWriter } from './diagnostics/bundle-writer.ts';
import { collectEvents } from './diagnostics/events.ts';
import { collectLogs } from './diagnostics/logs.ts';
import { collectGatewayClasses, collectNamespaceObjects, collectRequestedObjects } from './diagnostics/objects.ts';
import { placeholderReadme, renderReadme } from './diagnostics/readme.ts';
import type { DiagnosticsBundle, DiagnosticsFailure, DiagnosticsInput } from './diagnostics/types.ts';
import { PRIVATE_DIR_MODE, writePrivateFile } from './private-files.ts';
import { redactSecrets } from './redact.ts';
import type { TestRecord } from './results.ts';

/**
 * The diagnostics bundle written when anything fails: what a person would otherwise collect by
 * hand with kubectl before the cluster is gone. Every step is best effort: a step that fails is
 * noted in the bundle's README and the rest still runs. Secrets are never read, let alone written;
 * logs and objects are passed through a redaction of credential-looking text.
 *
 * The collectors, one concern each, live in diagnostics/: objects (with status.txt), events, logs,
 * and the README that points a reader at what went wrong.
 */

export type { DiagnosticsBundle, DiagnosticsFailure, DiagnosticsInput, DiagnosticsKube } from './diagnostics/types.ts';

export const diagnosticsDirName = 'diagnostics';
export { BUNDLE_MARKER } from './diagnostics/readme.ts';

export async function collectDiagnostics(input: DiagnosticsInput): Promise<DiagnosticsBundle> {
  const root = join(input.dir, diagnosticsDirName);
  const stepMs = input.stepTimeoutMs ?? 60_000;
  const bundle = new BundleWriter(root, stepMs, input.log);
  const namespaces = unique(input.namespaces);
  await mkdir(root, { recursive: true, mode: PRIVATE_DIR_MODE });
  await writePrivateFile(join(root, 'README.md'), placeholderReadme());

  const gatewayApiObjects = await collectGatewayClasses(bundle, input.kube);
  for (const namespace of namespaces) {
    gatewayApiObjects.push(...(await collectNamespaceObjects(bundle, input.kube, namespace)));
    await collectEvents(bundle, input.kube, namespace);
  }
  gatewayApiObjects.push(...(await collectRequestedObjects(bundle, input.kube, input.objects ?? [])));
  await collectLogs(bundle, input, input.tailLines ?? 2000);
  if (input.providerDiagnose) await collectFromProvider(bundle, input.providerDiagnose, stepMs * 4);

  const readme = renderReadme({
    profileName: input.profile.name,
    namespaces,
    failure: input.failure,
    gatewayApiObjects,
    problems: bundle.problems,
    files: bundle.files,
  });
  await writePrivateFile(join(root, 'README.md'), redactSecrets(readme));
  return { dir: root, readme, problems: bundle.problems, files: ['README.md', ...bundle.files] };
}

/** `provider/`: what the cluster provider collects itself (kind: `kind export logs`); it gets longer. */
async function collectFromProvider(
  bundle: BundleWriter,
  diagnose: (dir: string) => Promise<void>,
  timeoutMs: number,
): Promise<void> {
  const providerDir = join(bundle.root, 'provider');
  await bundle.step(
    'provider diagnostics',
    async () => {
      await mkdir(providerDir, { recursive: true, mode: PRIVATE_DIR_MODE });
      await diagnose(providerDir);
      bundle.files.push('provider/');
    },
    timeoutMs,
  );
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter(Boolean))];
}

/** The failure description from a run's results (and a setup error, if any). */
export function failureOf(tests: readonly TestRecord[], setupError?: string): DiagnosticsFailure {
  return {
    ...(setupError !== undefined ? { setup: setupError } : {}),
    tests: tests
      .filter((t) => t.state === 'failed')
      .map(({ suite, title, id, error }) => ({ suite, title, id, error })),
  };
}
