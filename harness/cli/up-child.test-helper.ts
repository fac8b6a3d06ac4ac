import { join } from 'node:path';
import { execa } from 'execa';
import { Kube } from '../kube/client.ts';
import { kindgateBin } from '../package-paths.ts';
import { tempDir } from './temp-dirs.test-helper.ts';

/** `kindgate up --provider sim [args]` in the background, once it printed its GATEWAY_URL. */
export async function startUp(args: string[] = []) {
  const kubeconfig = join(tempDir('kg-up-'), 'kubeconfig');
  const child = execa('node', [kindgateBin, 'up', '--provider', 'sim', '--kubeconfig', kubeconfig, ...args], {
    reject: false,
    env: { NO_COLOR: '1' },
  });
  const lines: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        const [key, ...value] = line.split('=');
        if (key) lines[key] = value.join('=');
      }
      if (lines.GATEWAY_URL) resolve();
    });
    child.catch(reject);
    setTimeout(() => reject(new Error('kindgate up printed no GATEWAY_URL within 60 s')), 60_000);
  });
  const namespaces = async () =>
    (await Kube.fromFile(kubeconfig).list('v1', 'Namespace')).map((n) => n.metadata.name).sort();
  return { child, kubeconfig, lines, namespaces };
}
