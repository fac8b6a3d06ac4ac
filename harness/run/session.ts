import type { RunOptions } from '../config/options.ts';
import type { RenderedFixture } from './fixtures.ts';
import type { Logger } from '../log.ts';
import type { Profile } from '../profiles/types.ts';
import { createProvider } from '../providers/index.ts';
import type { Provider, StartHooks } from '../providers/types.ts';
import { renderRunFixtures } from './fixtures.ts';
import { provision, removeRunNamespaces, type Provisioned, type RunFootprint } from './provision.ts';
import { onInterrupt, once, type InterruptHandle, type InterruptReason } from './interrupt.ts';

/**
 * One run's cluster with guaranteed teardown: after success, after a failure at any step, and on
 * SIGINT/SIGTERM/SIGHUP. `teardown` is idempotent.
 */
export class Session {
  provisioned?: Provisioned;
  readonly footprint: RunFootprint = { createdNamespaces: [] };
  /** True once provider.start was called: from here on a failure is a setup failure (exit 4). */
  started = false;
  private readonly interrupts: InterruptHandle;
  private readonly stopOnce: () => Promise<void>;
  private readonly beforeTeardownHooks: (() => Promise<void>)[] = [];

  private constructor(
    readonly options: RunOptions,
    readonly profile: Profile,
    readonly provider: Provider,
    readonly fixtures: RenderedFixture[],
    private readonly log: Logger,
  ) {
    this.stopOnce = once(() => this.stop());
    this.interrupts = onInterrupt(() => this.stopOnInterrupt(), {
      log: (m) => log.warn(m),
      beforeTeardown: async () => {
        for (const hook of this.beforeTeardownHooks) await hook();
      },
    });
  }

  /** Why the run was interrupted (a signal, or SIGPIPE for a closed stdout); undefined while it was not. */
  get interrupted(): InterruptReason | undefined {
    return this.interrupts.reason;
  }

  /** Interrupt the run as a signal would: hooks, teardown, exit 128+n. */
  interrupt(reason: InterruptReason): void {
    this.interrupts.interrupt(reason);
  }

  /** Leave the environment up and stop listening for interrupts (`up --detach`: `kindgate down` removes it). */
  leaveRunning(): void {
    this.interrupts.release();
  }

  /** Work an interrupt does before the teardown, while the cluster is still there (write the reports). */
  beforeInterruptTeardown(hook: () => Promise<void>): void {
    this.beforeTeardownHooks.push(hook);
  }

  /** Render fixtures (a broken one is reported before anything is created) and pick the provider. */
  static async create(options: RunOptions, profile: Profile, log: Logger): Promise<Session> {
    const fixtures = renderRunFixtures(options, profile);
    const provider = await createProvider(options, profile);
    return new Session(options, profile, provider, fixtures, log);
  }

  async provision(hooks?: StartHooks): Promise<Provisioned> {
    this.started = true;
    this.provisioned = await provision(
      this.options,
      this.profile,
      this.provider,
      this.fixtures,
      this.log,
      this.footprint,
      hooks,
    );
    return this.provisioned;
  }

  /**
   * Tear down (once). When an interrupt is under way it owns the teardown and the exit: this waits
   * for it, so the run's own flow can never exit first with its own code.
   */
  async teardown(): Promise<void> {
    if (this.interrupts.reason) {
      await this.interrupts.handled;
      return;
    }
    try {
      await this.stopOnce();
    } finally {
      if (!this.interrupts.reason) this.interrupts.release();
    }
    if (this.interrupts.reason) await this.interrupts.handled;
  }

  /** On an interrupt before anything was started there is nothing to remove; say so, the run ends here. */
  private async stopOnInterrupt(): Promise<void> {
    await this.stopOnce();
    if (!this.started) this.log.step('teardown done (nothing to tear down)');
  }

  private async stop(): Promise<void> {
    if (!this.started) return;
    const started = performance.now();
    const { options, log } = this;
    // Where the cluster outlives the run, remove the namespaces this run created; nothing else.
    if (!options.keep && this.provider.clusterOutlivesRun) {
      await removeRunNamespaces(this.footprint, log);
    }
    await this.provider.stop(log);
    log.step(options.keep ? 'teardown done (cluster kept)' : 'teardown done', (performance.now() - started) / 1000);
  }
}
