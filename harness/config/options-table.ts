import { flagSpecs } from './flags.ts';

/** The README's option table, made from the same specs as the parser and `--help`. */
export function optionsMarkdown(): string {
  const rows = flagSpecs.map((f) => {
    const flag = `\`--${f.flag}${f.value ? ` ${f.value}` : ''}\``;
    const key =
      f.key === 'config'
        ? ''
        : `\`${f.key.startsWith('timeouts.') ? `timeouts.${f.key.slice(9).replace(/Ms$/, '')}` : f.key}\``;
    const def = f.default ? `\`${f.default}\`` : '';
    const choices = f.choices ? ` One of ${f.choices.map((c) => `\`${c}\``).join(', ')}.` : '';
    const only = f.commands ? ` (${f.commands.join(', ')} only)` : '';
    return `| ${flag} | ${key} | ${def} | ${f.help}.${choices}${only} |`;
  });
  return ['| flag | config key | default | what |', '|---|---|---|---|', ...rows].join('\n');
}

export const OPTIONS_START = '<!-- options:start -->';
export const OPTIONS_END = '<!-- options:end -->';

/** `readme` with the text between the option markers replaced by the current table. */
export function withOptionsTable(readme: string): string {
  const start = readme.indexOf(OPTIONS_START);
  const end = readme.indexOf(OPTIONS_END);
  if (start === -1 || end === -1) throw new Error('README.md lacks the options markers');
  return `${readme.slice(0, start + OPTIONS_START.length)}\n${optionsMarkdown()}\n${readme.slice(end)}`;
}
