import type { KindRunPlan } from '../plan.ts';
import { describeResolvedTool, resolveTool, type ToolSpec } from '../tools/resolve.ts';
import { artifactLines } from './plan-text.ts';
import type { KindStep } from './step.ts';

const listed = (tools: ToolSpec[]) => tools.map((t) => `${t.name} ${t.version}`).join(', ');

function pathRule(tool: ToolSpec): string {
  return tool.archiveMember
    ? `    ${tool.name} on PATH only when its sha256 equals that of the verified archive's binary`
    : `    ${tool.name} on PATH only when its sha256 is the one above`;
}

/**
 * The pinned tools (kind; istioctl for Istio), each checked by sha256: the one on PATH when its
 * bytes are the verified ones, else the verified copy in the cache, else a verified download.
 */
export const toolsStep: KindStep = {
  id: 'tools',
  label: ({ plan }) => `tools: ${listed(plan.tools)}`,
  doneLabel: ({ plan, toolOrigins }) =>
    `tools: ${plan.tools.map((t) => (toolOrigins[t.name] ? describeResolvedTool(t, toolOrigins[t.name]) : `${t.name} ${t.version}`)).join(', ')}`,
  async run(ctx) {
    for (const spec of ctx.plan.tools) {
      const resolved = await resolveTool(spec, ctx.deps, ctx.log, ctx.signal);
      ctx.tools[spec.name] = resolved.path;
      ctx.toolOrigins[spec.name] = resolved.origin;
    }
  },
  describe(plan: KindRunPlan) {
    const lines: string[] = [];
    for (const tool of plan.tools) {
      lines.push(`- ${tool.name} ${tool.version}`);
      lines.push(...artifactLines(tool.artifact, '    '));
      lines.push(
        tool.archiveMember
          ? `    extract ${tool.archiveMember} → ${tool.binPath}, chmod 755, its sha256 recorded beside it`
          : `    chmod 755 ${tool.binPath}`,
      );
      lines.push(pathRule(tool));
    }
    return {
      heading:
        'Tools (each checked by sha256: one on PATH only when its bytes are the verified ones; otherwise the verified download)',
      lines,
    };
  },
};
