// Regenerate the option table in README.md from harness/config/flags.ts:
//   npx tsx scripts/readme-options.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { withOptionsTable } from '../harness/config/options-table.ts';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, withOptionsTable(readFileSync(file, 'utf8')));
