import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's root (where models/, traces/ and scenarios/ live), from this module's place in
 * it: src/paths.ts when run from source (vitest, tsx), dist/src/paths.js when built. No file system: only
 * commands read files.
 */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, import.meta.url.endsWith('.ts') ? '..' : join('..', '..'));
}

/**
 * ../shared/data beside the checkout, where the raw public data lives (absent on a user's machine), or
 * PLANNER_SHARED_DATA (for scripts and tests run from a git worktree elsewhere).
 */
export function sharedDataDir(): string {
  return process.env.PLANNER_SHARED_DATA || join(packageRoot(), '..', 'shared', 'data');
}
