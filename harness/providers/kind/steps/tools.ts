import type { KindRunPlan } from '../plan.ts';
import { resolveTool } from '../tools/resolve.ts';
import { artifactLines, shell } from './plan-text.ts';
import type { KindStep } from './step.ts';

/** The pinned tools (kind; istioctl for Istio): on PATH at the pinned version, else a verified download. */
export const toolsStep: KindStep = {
  id: 'tools',
  label: ({ plan }) => `tools: ${plan.tools.map((t) => `${t.name} ${t.version}`).join(', ')}`,
  phase: () => 'tools',
  async run(ctx) {
    for (const spec of ctx.plan.tools) ctx.tools[spec.name] = await resolveTool(spec, ctx.deps, ctx.log);
  },
  describe(plan: KindRunPlan) {
    const lines: string[] = [];
    for (const tool of plan.tools) {
      lines.push(`- ${tool.name} ${tool.version}: ${shell({ file: tool.name, args: tool.versionArgs })}`);
      lines.push(...artifactLines(tool.artifact, '    '));
      lines.push(
        tool.archiveMember
          ? `    extract ${tool.archiveMember} → ${tool.binPath}, chmod 755`
          : `    chmod 755 ${tool.binPath}`,
      );
    }
    return {
      heading: 'Tools (one on PATH is used when it prints the pinned version; otherwise the verified download)',
      lines,
    };
  },
};
