import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandLine } from '../exec.ts';
import { goVersionCommand } from './go-toolchain.ts';
import { streamProcess } from './stream-process.ts';
import { goTestArgs } from './upstream-command-line.ts';
import { runnerGoProxy, type WorkspacePlan } from './workspace.ts';

/**
 * `--runner local`: `go test` on this machine, with the Go module and build caches under the
 * kindgate cache directory (never inside a project), GOTOOLCHAIN=local (an old Go fails with our
 * sentence instead of fetching a toolchain), GOFLAGS=-mod=readonly (go.sum is the pin list: Go
 * refuses a module whose hash differs from it). GOPROXY puts the verified archives first
 * (runnerGoProxy); the checksum database settings stay the user's.
 */
export interface LocalRunnerPlan {
  kind: 'local';
  check: CommandLine;
  goTest: CommandLine;
  kubeconfig: string;
  /** Where the suite writes its report (a private staging directory of this run). */
  reportOutput: string;
  goCache: { mod: string; build: string };
}

export interface RunnerOutcome {
  exitCode: number;
  /** The staged upstream report, when the suite wrote one. */
  report?: string;
}

export interface RunnerHandle {
  done: Promise<RunnerOutcome>;
  /** Stop the run and remove what it started; safe to call twice. */
  stop(): Promise<void>;
}

export interface LocalRunnerInput {
  workspace: WorkspacePlan;
  kubeconfig: string;
  /** The upstream flags for a report written to `reportOutput`. */
  flags: (reportOutput: string) => string[];
  timeoutMs: number;
  cacheDir: string;
  stagingDir: string;
}

/** Go's own -timeout ends a stuck suite; this only guards against a `go` that never exits. */
const PROCESS_MARGIN_MS = 30 * 60_000;

export function planLocalRunner(input: LocalRunnerInput): LocalRunnerPlan {
  const { workspace } = input;
  const reportOutput = join(input.stagingDir, 'report.yaml');
  const goCache = { mod: join(input.cacheDir, 'go', 'mod'), build: join(input.cacheDir, 'go', 'build') };
  const goProxy = runnerGoProxy(workspace);
  return {
    kind: 'local',
    check: goVersionCommand,
    goTest: {
      file: 'go',
      args: goTestArgs(input.flags(reportOutput), input.timeoutMs, workspace.moduleDir),
      timeoutMs: input.timeoutMs + PROCESS_MARGIN_MS,
      env: {
        KUBECONFIG: input.kubeconfig,
        GOMODCACHE: goCache.mod,
        GOCACHE: goCache.build,
        // -modcacherw: a cache the user can delete with rm -rf.
        GOFLAGS: '-mod=readonly -modcacherw',
        ...(goProxy ? { GOPROXY: goProxy } : {}),
        GOTOOLCHAIN: 'local',
        GOWORK: 'off',
      },
    },
    kubeconfig: input.kubeconfig,
    reportOutput,
    goCache,
  };
}

export function startLocalRunner(
  plan: LocalRunnerPlan,
  io: { logFile: string; onLine: (line: string) => void },
): RunnerHandle {
  const run = streamProcess(plan.goTest, io.logFile, io.onLine);
  const done = run.done.then((exitCode) => ({
    exitCode,
    report: existsSync(plan.reportOutput) ? plan.reportOutput : undefined,
  }));
  return {
    done,
    async stop() {
      run.kill();
      await done.catch(() => undefined);
    },
  };
}
