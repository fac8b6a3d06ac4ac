import type { KindContext } from '../context.ts';
import type { KindRunPlan } from '../plan.ts';
import type { Step, StepGroup } from '../run-steps.ts';

/** A step's part of the `--dry-run` plan; lines are relative to the section's indent. */
export interface PlanText {
  /** Starts a numbered section (`3. Cluster …`); a step without one continues the previous section. */
  heading?: string;
  lines: string[];
}

/** The section number of a step by its id (`4b`), for a step whose text refers to another. */
export type SectionOf = (stepId: string) => string;

/** A step of the kind pipeline: what it runs and how `--dry-run` shows it. */
export interface KindStep extends Step<KindContext> {
  /** True when the step's plan text has no heading and continues the previous section. */
  readonly continuesSection?: boolean;
  describe(plan: KindRunPlan, sectionOf: SectionOf): PlanText;
  /** How the teardown section shows `undo`. */
  describeUndo?(plan: KindRunPlan): string[];
}

export interface KindStepGroup extends StepGroup<KindContext, KindStep> {
  /** The section heading of the group (`Concurrently, once the API server answers:`). */
  readonly heading: string;
}

export type KindPipelineEntry = KindStep | KindStepGroup;
