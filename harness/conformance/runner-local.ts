import { existsSync } from 'node:fs';
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCommand, runCommand, type CommandLine, type RunCommand } from '../exec.ts';
import { timedStep, type Logger } from '../log.ts';
import { goVersionCommand } from './go-toolchain.ts';
import { streamProcess, type StreamedRun } from './stream-process.ts';
import {
  binaryPath,
  buildDir,
  goEnvCommand,
  installBinary,
  KEY_PLACEHOLDER,
  reusableBinary,
  TEST_BINARY,
  testBinaryKey,
  type BuildManifest,
} from './test-binary.ts';
import { goTestBuildArgs, testBinaryArgs } from './upstream-command-line.ts';
import { runnerGoProxy, type WorkspacePlan } from './workspace.ts';

/**
 * `--runner local`: the suite's test binary on this machine. It is built with `go test -c` once
 * per key (test-binary.ts) into the kindgate cache directory, with the Go module and build caches
 * there too (never inside a project), GOTOOLCHAIN=local (an old Go fails with our sentence instead
 * of fetching a toolchain), GOFLAGS=-mod=readonly (go.sum is the pin list: Go refuses a module
 * whose hash differs from it). GOPROXY puts the verified archives first (runnerGoProxy); the
 * checksum database settings stay the user's. Then the binary runs from the module directory with
 * the flags `go test -v` would give it, so it prints what `go test -v` prints.
 */
export interface LocalRunnerPlan {
  kind: 'local';
  check: CommandLine;
  /** Go's build settings (`go env -json`), part of the test binary's key. */
  goEnv: CommandLine;
  /** `go test -c`; `-o` names `<binDir>/<key>/conformance.test` until a build directory is known. */
  build: CommandLine;
  /** The test binary's run; `file` is `<binDir>/<key>/conformance.test` until the key is known. */
  run: CommandLine;
  /** The module directory: `go test` runs a test binary in its package's directory. */
  cwd: string;
  /** Where the test binaries are kept, one directory per key. */
  binDir: string;
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

/** Go's own -timeout ends a stuck suite; this only guards against a process that never exits. */
const PROCESS_MARGIN_MS = 30 * 60_000;
/** The exit code of a runner stopped before its test binary started (as if SIGTERM had ended it). */
const STOPPED_EXIT_CODE = 143;

export function planLocalRunner(input: LocalRunnerInput): LocalRunnerPlan {
  const { workspace } = input;
  const reportOutput = join(input.stagingDir, 'report.yaml');
  const goCache = { mod: join(input.cacheDir, 'go', 'mod'), build: join(input.cacheDir, 'go', 'build') };
  const goProxy = runnerGoProxy(workspace);
  const binDir = join(workspace.dir, 'bin');
  const binary = binaryPath(binDir, KEY_PLACEHOLDER);
  const timeoutMs = input.timeoutMs + PROCESS_MARGIN_MS;
  const goEnv = {
    GOMODCACHE: goCache.mod,
    GOCACHE: goCache.build,
    // -modcacherw: a cache the user can delete with rm -rf.
    GOFLAGS: '-mod=readonly -modcacherw',
    ...(goProxy ? { GOPROXY: goProxy } : {}),
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
  };
  return {
    kind: 'local',
    check: goVersionCommand,
    goEnv: goEnvCommand(goEnv),
    build: { file: 'go', args: goTestBuildArgs(workspace.moduleDir, binary), timeoutMs, env: goEnv },
    run: {
      file: binary,
      args: testBinaryArgs(input.flags(reportOutput), input.timeoutMs),
      timeoutMs,
      env: { KUBECONFIG: input.kubeconfig },
    },
    cwd: workspace.moduleDir,
    binDir,
    kubeconfig: input.kubeconfig,
    reportOutput,
    goCache,
  };
}

/** The plan's command with `binary` where it names `<binDir>/<key>/conformance.test`. */
function withBinary(plan: LocalRunnerPlan, command: CommandLine, binary: string): CommandLine {
  const placeholder = binaryPath(plan.binDir, KEY_PLACEHOLDER);
  const swap = (part: string) => (part === placeholder ? binary : part);
  return { ...command, file: swap(command.file), args: command.args.map(swap) };
}

/** The build's arguments and GOFLAGS, without the output path (a new build directory each time). */
function buildKeyArgs(plan: LocalRunnerPlan): string[] {
  const output = binaryPath(plan.binDir, KEY_PLACEHOLDER);
  return [...plan.build.args.filter((a) => a !== output), `GOFLAGS=${plan.build.env?.GOFLAGS ?? ''}`];
}

function reusedLine(path: string, manifest: BuildManifest): string {
  const go = manifest.inputs.go;
  return `upstream suite test binary reused: ${path} (${go.GOVERSION} ${go.GOOS}/${go.GOARCH}, same go.sum, built ${manifest.builtAt})`;
}

/** `go test -c` exited non-zero (its output, in the log, says why) or was stopped. */
class BuildFailed extends Error {
  constructor(readonly exitCode: number) {
    super(`go test -c exited with ${exitCode}`);
  }
}

export interface LocalRunnerIo {
  logFile: string;
  log: Logger;
  onLine: (line: string) => void;
  /** The test binary was started (after a build, when one was needed). */
  onSpawn?: () => void;
  run?: RunCommand;
}

/** Build the test binary when no whole one is kept for this key, then run it; output to the log file and `onLine`. */
export function startLocalRunner(plan: LocalRunnerPlan, version: string, io: LocalRunnerIo): RunnerHandle {
  const { log } = io;
  let stopped = false;
  let current: StreamedRun | undefined;
  let building: string | undefined;
  const note = (line: string) => appendFile(io.logFile, `# kindgate: ${line}\n`);
  const stream = async (command: CommandLine, cwd?: string): Promise<number> => {
    await note(`$ ${formatCommand(command)}`);
    if (stopped) return STOPPED_EXIT_CODE;
    current = streamProcess(command, io.logFile, io.onLine, cwd);
    return current.done;
  };

  /** The binary to run, or the failed build's exit code. */
  const prepare = async (): Promise<string | number> => {
    const goEnv = await (io.run ?? runCommand)(plan.goEnv, log);
    const key = await testBinaryKey(version, goEnv.stdout, buildKeyArgs(plan), plan.cwd);
    const kept = await reusableBinary(plan.binDir, key);
    const path = binaryPath(plan.binDir, key.key);
    if (kept) {
      log.step(reusedLine(path, kept));
      await note(reusedLine(path, kept));
      return path;
    }
    const dir = (building = await buildDir(plan.binDir));
    return timedStep(log, `upstream suite test binary built: ${path}`, async () => {
      const build = withBinary(plan, plan.build, join(dir, TEST_BINARY));
      log.info(`upstream suite test binary: $ ${formatCommand(build)}`);
      const exitCode = await stream(build);
      if (exitCode !== 0 || stopped) throw new BuildFailed(exitCode || STOPPED_EXIT_CODE);
      const installed = await installBinary(plan.binDir, dir, key);
      building = undefined;
      return installed;
    })
      .catch((error: unknown) => {
        if (error instanceof BuildFailed) return error.exitCode;
        throw error;
      })
      .finally(() => (building ? rm(building, { recursive: true, force: true }) : undefined));
  };

  const done = (async (): Promise<RunnerOutcome> => {
    const binary = await prepare();
    if (typeof binary === 'number') return { exitCode: binary };
    if (stopped) return { exitCode: STOPPED_EXIT_CODE };
    const run = withBinary(plan, plan.run, binary);
    log.info(`upstream suite: $ ${formatCommand(run)}`);
    io.onSpawn?.();
    const exitCode = await stream(run, plan.cwd);
    return { exitCode, report: existsSync(plan.reportOutput) ? plan.reportOutput : undefined };
  })();
  return {
    done,
    async stop() {
      stopped = true;
      current?.kill();
      await done.catch(() => undefined);
    },
  };
}
