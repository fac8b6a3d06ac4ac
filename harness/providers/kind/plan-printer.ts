import type { KindRunPlan } from './plan.ts';
import { isStepGroup } from './run-steps.ts';
import { kindPipeline } from './steps/pipeline.ts';
import type { KindPipelineEntry, KindStep, SectionOf } from './steps/step.ts';

const SECTION_INDENT = '   ';
const GROUP_MEMBER_INDENT = '       ';

const indent = (lines: string[], by: string) => lines.map((line) => `${by}${line}`);

/** Section numbers by step id: `3` for a step, `4` for a group and `4a`, `4b`, … for its steps. */
function sectionNumbers(pipeline: readonly KindPipelineEntry[]): Map<string, string> {
  const numbers = new Map<string, string>();
  let section = 0;
  let current = '';
  for (const entry of pipeline) {
    if (isStepGroup(entry)) {
      current = String(++section);
      numbers.set(entry.id, current);
      entry.concurrent.forEach((step, i) => numbers.set(step.id, `${current}${String.fromCharCode(97 + i)}`));
      continue;
    }
    if (!entry.continuesSection) current = String(++section);
    numbers.set(entry.id, current);
  }
  return numbers;
}

function stepsOf(pipeline: readonly KindPipelineEntry[]): KindStep[] {
  return pipeline.flatMap((entry) => (isStepGroup(entry) ? [...entry.concurrent] : [entry]));
}

/**
 * The `--dry-run` text: what will happen to this machine, in order; nothing is executed. Each
 * section is a step of the pipeline the provider runs (its `describe`), the teardown is their
 * `describeUndo` in reverse. `runSteps` (fixtures, suites, reports: the provider-independent part
 * of a run) is shown before the teardown.
 */
export function formatPlan(plan: KindRunPlan, runSteps: string[] = []): string {
  const pipeline = kindPipeline;
  const numbers = sectionNumbers(pipeline);
  const sectionOf: SectionOf = (id) => {
    const number = numbers.get(id);
    if (!number) throw new Error(`no step ${id} in the kind pipeline`);
    return number;
  };
  const out = [`kindgate plan: provider kind, cluster ${plan.clusterName} (dry run; nothing below is executed)`];
  for (const entry of pipeline) {
    if (isStepGroup(entry)) {
      out.push('', `${sectionOf(entry.id)}. ${entry.heading}`);
      for (const step of entry.concurrent) {
        const text = step.describe(plan, sectionOf);
        out.push(`${SECTION_INDENT}${sectionOf(step.id)}. ${text.heading}`, ...indent(text.lines, GROUP_MEMBER_INDENT));
      }
      continue;
    }
    const text = entry.describe(plan, sectionOf);
    if (text.heading) out.push('', `${sectionOf(entry.id)}. ${text.heading}`);
    out.push(...indent(text.lines, SECTION_INDENT));
  }
  let next = Math.max(...[...numbers.values()].map((n) => parseInt(n, 10))) + 1;
  if (runSteps.length) out.push('', `${next++}. The run`, ...indent(runSteps, SECTION_INDENT));
  out.push('', `${next}. Teardown (always, also after a failed setup or on SIGINT/SIGTERM)`);
  for (const step of stepsOf(pipeline).reverse()) out.push(...indent(step.describeUndo?.(plan) ?? [], SECTION_INDENT));
  return `${out.join('\n')}\n`;
}
