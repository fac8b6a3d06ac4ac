import { describe, expect, it } from 'vitest';
import { istioProfile } from '../../profiles/istio.ts';
import { kindOptions } from './fake-deps.test-helper.ts';
import { planKindRun } from './plan.ts';
import { formatPlan } from './plan-printer.ts';
import { isStepGroup } from './run-steps.ts';
import { kindPipeline } from './steps/pipeline.ts';
import type { KindStepGroup } from './steps/step.ts';

const options = kindOptions({ cacheDir: '/home/u/.cache/kindgate', dryRun: true, verbose: false });
const plan = planKindRun(options, istioProfile, { platform: 'linux', arch: 'x64', env: {} });
const noRefs = () => '?';

describe('the --dry-run plan is printed from the pipeline the provider runs', () => {
  it('has one numbered section per step (or group) of kindPipeline, in its order, then the run and the teardown', () => {
    const text = formatPlan(plan, ['- the fixtures']);
    const sections = text.split('\n').filter((line) => /^\d+\. /.test(line));
    const fromPipeline = kindPipeline.flatMap((entry) => {
      if (isStepGroup(entry)) return [entry.heading];
      const heading = entry.describe(plan, noRefs).heading;
      return heading ? [heading] : [];
    });
    expect(sections).toEqual([
      ...fromPipeline.map((heading, i) => `${i + 1}. ${heading}`),
      `${fromPipeline.length + 1}. The run`,
      `${fromPipeline.length + 2}. Teardown (always, also after a failed setup or on SIGINT/SIGTERM)`,
    ]);
    const group = kindPipeline.find((entry) => isStepGroup(entry)) as KindStepGroup;
    const members = text.split('\n').filter((line) => /^ {3}4[a-z]\. /.test(line));
    expect(members).toEqual(
      group.concurrent.map((step, i) => `   4${'abc'[i]}. ${step.describe(plan, () => '4b').heading}`),
    );
  });

  it('lists the teardown as the steps’ undo texts, last step first', () => {
    const teardown = formatPlan(plan).split('6. Teardown')[1].trim().split('\n').slice(1);
    expect(teardown).toEqual([
      '   - remove relay containers labelled kindgate.relay=kindgate-t1',
      '   - $ kind delete cluster --name kindgate-t1 --kubeconfig /home/u/.cache/kindgate/clusters/kindgate-t1.kubeconfig',
      '   - release the claim on the cluster name kindgate-t1',
    ]);
  });
});
