import { chmodSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * An executable `planner` in `bin` that runs the CLI from the TypeScript sources (planner-bin.ts under tsx),
 * for tests that run shell scripts calling `planner` as a user's CI does, without a build.
 */
export function writePlannerShim(bin: string): void {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const entry = join(import.meta.dirname, 'planner-bin.ts');
  writeFileSync(join(bin, 'planner'), `#!/usr/bin/env bash\nexec node --import ${tsx} ${entry} "$@"\n`);
  chmodSync(join(bin, 'planner'), 0o755);
}
