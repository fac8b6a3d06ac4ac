import { fileURLToPath } from 'node:url';

/**
 * Paths inside the installed kindgate package (not the user's working directory): vitest runs the
 * suites from here, and tests start the CLI as users do.
 */

/** The package's root directory (where package.json, suites/ and fixtures/ are). */
export const packageRoot = fileURLToPath(new URL('../', import.meta.url));

/** The `kindgate` executable (package.json `bin`). */
export const kindgateBin = fileURLToPath(new URL('../scripts/kindgate.js', import.meta.url));
