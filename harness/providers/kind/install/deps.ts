import type { RunCommand } from '../../../exec.ts';
import type { Kube } from '../../../kube/client.ts';
import type { Downloader } from '../tools/download.ts';

/** The part of the Kube client the installers use; tests pass a fake. */
export type KubeLike = Pick<Kube, 'apply' | 'get' | 'waitFor' | 'waitForApi'>;

export interface InstallDeps {
  kube: KubeLike;
  run: RunCommand;
  download: Downloader;
  /** Absolute paths of the resolved tools, by name (`istioctl` → /…/istioctl). */
  tools: Record<string, string>;
  /** Aborted when the run is cancelled (a sibling install failed, or teardown began): waits and retries end. */
  signal?: AbortSignal;
}

export const FIELD_MANAGER = 'kindgate';
