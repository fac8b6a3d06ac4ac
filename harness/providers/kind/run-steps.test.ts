import { describe, expect, it } from 'vitest';
import { alive, sleepingChild } from '../../child-process.test-helper.ts';
import { runCommand } from '../../exec.ts';
import { createMemoryLogger, type Logger } from '../../log.ts';
import { PhaseRecorder } from '../../timings.ts';
import { kindPipeline } from './steps/pipeline.ts';
import { StepRunner, type PipelineEntry, type Step, type StepContext } from './run-steps.ts';

interface TestContext extends StepContext {
  events: string[];
}

function context(runner: StepRunner<TestContext>, log: Logger = createMemoryLogger()): TestContext {
  return { log, signal: runner.signal, events: [] };
}

/** A step that records its run and undo; `work` replaces the default (resolve at once). */
function step(id: string, work?: (ctx: TestContext) => Promise<void>, undo = true): Step<TestContext> {
  return {
    id,
    label: () => `${id} done`,
    async run(ctx) {
      ctx.events.push(`run ${id}`);
      await work?.(ctx);
    },
    undo: undo
      ? async (ctx) => {
          ctx.events.push(`undo ${id}`);
        }
      : undefined,
  };
}

const fail = (message: string) => async () => {
  await new Promise((r) => setTimeout(r, 20));
  throw new Error(message);
};

describe('StepRunner', () => {
  it('runs the steps in order, one timed step line each, and undoes them last-first at teardown (once)', async () => {
    const runner = new StepRunner<TestContext>();
    const log = createMemoryLogger();
    const ctx = context(runner, log);
    await runner.run([step('one'), step('two', undefined, false), step('three')], ctx);
    expect(log.lines.map((l) => l.replace(/\(\d+\.\d s\)$/, '(t)'))).toEqual([
      '✓ one done (t)',
      '✓ two done (t)',
      '✓ three done (t)',
    ]);
    await runner.teardown(ctx, log);
    await runner.teardown(ctx, log);
    expect(ctx.events).toEqual(['run one', 'run two', 'run three', 'undo three', 'undo one']);
  });

  it("records each timed step in the run's phase timings under its stable phase name, a failed one as failed", async () => {
    const runner = new StepRunner<TestContext>();
    const phases = new PhaseRecorder();
    const ctx = context(runner, createMemoryLogger(phases));
    const named = (id: string, phase: string, work?: (ctx: TestContext) => Promise<void>) => ({
      ...step(id, work),
      label: () => `${id} kindgate-1a2b3c`,
      phase: () => phase,
    });
    const pipeline = [
      named('cluster', 'cluster created'),
      step('tools'),
      named('api', 'API server answering', fail('no')),
    ];
    await runner.run(pipeline, ctx).catch(() => undefined);
    expect(phases.phases.map((p) => [p.phase, p.failed ?? false])).toEqual([
      ['cluster created', false],
      ['tools done', false],
      ['API server answering', true],
    ]);
  });

  it('gives every step of the kind pipeline that logs a step line a stable phase name (no cluster name in it)', () => {
    const steps = kindPipeline.flatMap((entry) => ('concurrent' in entry ? entry.concurrent : [entry]));
    const phases = steps.filter((s) => s.label).map((s) => s.phase?.({ plan: { reuse: false } } as never));
    expect(phases).toEqual([
      'preflight',
      'tools',
      'cluster created',
      'API server answering',
      'images preloaded',
      'MetalLB ready',
      'CRDs Established',
      'implementation installed',
    ]);
  });

  it('stops at the first failure, calls beforeCleanup while nothing is undone yet, then undoes what started (the failed step too)', async () => {
    const runner = new StepRunner<TestContext>();
    const log = createMemoryLogger();
    const ctx = context(runner, log);
    const pipeline = [step('cluster'), step('api', fail('API server never answered')), step('never')];
    const error = await runner
      .run(pipeline, ctx, { beforeCleanup: async (e) => void ctx.events.push(`diagnose: ${(e as Error).message}`) })
      .catch((e) => e);
    expect(error.message).toBe('API server never answered');
    expect(ctx.events).toEqual([
      'run cluster',
      'run api',
      'diagnose: API server never answered',
      'undo api',
      'undo cluster',
    ]);
    expect(log.lines.some((l) => l.startsWith('✗ api done ('))).toBe(true);
  });

  it('a throwing beforeCleanup hook is logged and cannot skip the teardown', async () => {
    const runner = new StepRunner<TestContext>();
    const log = createMemoryLogger();
    const ctx = context(runner, log);
    const error = await runner
      .run([step('cluster'), step('api', fail('down'))], ctx, {
        beforeCleanup: async () => Promise.reject(new Error('diagnostics dir not writable')),
      })
      .catch((e) => e);
    expect(error.message).toBe('down');
    expect(log.lines).toContain('! before cleanup: diagnostics dir not writable');
    expect(ctx.events).toContain('undo cluster');
  });

  it('runs a group concurrently; a step may wait for a sibling with after()', async () => {
    const runner = new StepRunner<TestContext>();
    const ctx = context(runner);
    const crds = step('crds', async (c) => {
      await new Promise((r) => setTimeout(r, 30));
      c.events.push('crds established');
    });
    const implementation = step('implementation', async (c) => {
      c.events.push('implementation started');
      await runner.after('crds');
      c.events.push('implementation saw the crds');
    });
    const pipeline: PipelineEntry<TestContext>[] = [{ id: 'installs', concurrent: [crds, implementation] }];
    await runner.run(pipeline, ctx);
    expect(ctx.events).toEqual([
      'run crds',
      'run implementation',
      'implementation started',
      'crds established',
      'implementation saw the crds',
    ]);
  });

  it('the first failure in a group cancels a hanging sibling: its child process is gone before anything is undone', async () => {
    const runner = new StepRunner<TestContext>();
    const ctx = context(runner);
    const child = sleepingChild();
    const hanging = step('implementation', async (c) => {
      await runCommand(child.command, c.log, { signal: c.signal });
    });
    const failing = step('metallb', async () => {
      await child.pid(); // fail only once the sibling's child runs
      throw new Error('MetalLB manifest refused');
    });
    const cluster: Step<TestContext> = {
      ...step('cluster'),
      undo: async (c) => void c.events.push(`cluster deleted; child alive: ${alive(await child.pid())}`),
    };
    const pipeline: PipelineEntry<TestContext>[] = [cluster, { id: 'installs', concurrent: [failing, hanging] }];
    const started = performance.now();
    const error = await runner.run(pipeline, ctx).catch((e) => e);
    expect(error.message).toBe('MetalLB manifest refused');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(ctx.events.at(-1)).toBe('cluster deleted; child alive: false');
    expect(alive(await child.pid())).toBe(false);
  });

  it('does not wait past the grace period for a step that ignores the cancel', async () => {
    const runner = new StepRunner<TestContext>(50);
    const ctx = context(runner);
    let release!: () => void;
    const deaf = step('deaf', () => new Promise<void>((resolve) => (release = resolve)));
    const pipeline: PipelineEntry<TestContext>[] = [
      step('cluster'),
      { id: 'installs', concurrent: [step('failing', fail('refused')), deaf] },
    ];
    const started = performance.now();
    await expect(runner.run(pipeline, ctx)).rejects.toThrow('refused');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(ctx.events).toContain('undo cluster');
    release();
  });

  it('teardown mid-run (a signal) cancels the running step, starts no further step, and undoes what started', async () => {
    const runner = new StepRunner<TestContext>();
    const ctx = context(runner);
    const child = sleepingChild();
    const creating = step('cluster', async (c) => {
      await runCommand(child.command, c.log, { signal: c.signal });
    });
    const running = runner.run([creating, step('never')], ctx).catch((e) => e);
    await child.pid();
    await runner.teardown(ctx, ctx.log);
    expect(alive(await child.pid())).toBe(false);
    expect((await running).reason).toBe('canceled');
    expect(ctx.events).toEqual(['run cluster', 'undo cluster']);
  });
});
