import type { RunOptions } from '../config/options.ts';
import type { RenderedFixture } from './fixtures.ts';
import type { Logger } from '../log.ts';
import type { Profile } from '../profiles/types.ts';
import { createProvider } from '../providers/index.ts';
import type { Provider, StartHooks } from '../providers/types.ts';
import { provision, removeRunNamespaces, renderRunFixtures, type Provisioned, type RunFootprint } from './provision.ts';
import { onInterrupt, once } from './interrupt.ts';

/**
 * One run's cluster with guaranteed teardown: after success, after a failure at any step, and on
 * SIGINT/SIGTERM. `teardown` is idempotent.
 */
export class Session {
  provisioned?: Provisioned;
  readonly footprint: RunFootprint = { createdNamespaces: [] };
  /** True once provider.start was called: from here on a failure is a setup failure (exit 4). */
  started = false;
  private readonly release: () => void;
  private readonly stopOnce: () => Promise<void>;

  private constructor(
    readonly options: RunOptions,
    readonly profile: Profile,
    readonly provider: Provider,
    readonly fixtures: RenderedFixture[],
    private readonly log: Logger,
  ) {
    this.stopOnce = once(() => this.stop());
    this.release = onInterrupt(this.stopOnce, (m) => log.warn(m));
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

  async teardown(): Promise<void> {
    try {
      await this.stopOnce();
    } finally {
      this.release();
    }
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
