import { isAbsolute } from 'node:path';
import type { CommandLine, RunCommand } from '../exec.ts';
import type { Logger } from '../log.ts';

/**
 * The Go module proxy this machine's Go uses, learned from the environment the ordinary client
 * reads: `GOPROXY` when it is set, else `go env GOPROXY` (which also reads the user's go.env
 * file and knows Go's built-in default). kindgate names no proxy host of its own.
 */
export interface HostGoProxy {
  /** The GOPROXY list as Go has it (proxies, `direct`, `off`, separated by `,` or `|`). */
  list: string;
  /** Where the list was learned. */
  from: GoProxySource;
  /** The first proxy URL Go would ask (before `direct`/`off`); undefined when the list names none. */
  base?: string;
}

export type GoProxySource = 'GOPROXY' | 'go env GOPROXY';

/** GOTOOLCHAIN=local: asking for a setting must never download a toolchain. */
export const goEnvProxyCommand: CommandLine = {
  file: 'go',
  args: ['env', 'GOPROXY'],
  timeoutMs: 30_000,
  env: { GOTOOLCHAIN: 'local' },
};

/**
 * The first proxy URL of a GOPROXY list, read as Go reads it (cmd/go/internal/modfetch/proxy.go,
 * proxyList): entries split at `,` or `|`, nothing after `off` or `direct` is consulted, and an
 * entry without a scheme that looks like a host or path gets `https://`. Only http(s) proxies
 * count: kindgate downloads from them.
 */
export function firstProxyUrl(list: string): string | undefined {
  for (const raw of list.split(/[,|]/)) {
    let entry = raw.trim();
    if (!entry) continue;
    if (entry === 'off' || entry === 'direct') return undefined;
    if (/[.:/]/.test(entry) && !entry.includes(':/') && !isAbsolute(entry)) entry = `https://${entry}`;
    if (/^https?:\/\//.test(entry)) return entry.replace(/\/+$/, '');
  }
  return undefined;
}

function hostGoProxy(list: string, from: GoProxySource): HostGoProxy {
  return { list, from, base: firstProxyUrl(list) };
}

/**
 * The proxy as the ordinary client would use it, or undefined when none can be learned here
 * (GOPROXY unset and no usable `go` on PATH: the runner's own Go then uses its defaults).
 */
export async function learnGoProxy(
  env: NodeJS.ProcessEnv,
  run: RunCommand,
  log?: Logger,
): Promise<HostGoProxy | undefined> {
  // An empty GOPROXY means "not set" to Go as well.
  const fromEnv = env.GOPROXY?.trim();
  if (fromEnv) return hostGoProxy(fromEnv, 'GOPROXY');
  try {
    const list = (await run(goEnvProxyCommand, log)).stdout.trim();
    return list ? hostGoProxy(list, 'go env GOPROXY') : undefined;
  } catch (error) {
    log?.debug(`no Go module proxy learned on this machine: ${(error as Error).message}`);
    return undefined;
  }
}
