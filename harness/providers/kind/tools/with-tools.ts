import type { CommandLine } from '../../../exec.ts';

/** Plan commands name tools (`kind`, `istioctl`); at run time the resolved path replaces the name. */
export function withTools(command: CommandLine, tools: Record<string, string>): CommandLine {
  return { ...command, file: tools[command.file] ?? command.file };
}
