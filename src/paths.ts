import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The installed package's root (where models/, traces/ and scenarios/ live), found by walking up from this
 * module: src/ under vitest and dist/src/ when built sit at different depths.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'planner') {
      root = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`planner package root not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** ../shared/data beside the checkout, where the raw public data lives (absent on a user's machine). */
export function sharedDataDir(): string {
  return join(packageRoot(), '..', 'shared', 'data');
}
