import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let root: string | undefined;

/**
 * The repository root (where nest-cli.json is), found from this file so that the same
 * paths work from sources under vitest and from dist/ at run time, whatever the cwd.
 */
export function projectPath(...segments: string[]): string {
  if (!root) {
    let dir = import.meta.dirname;
    while (!existsSync(join(dir, 'nest-cli.json'))) {
      const parent = dirname(dir);
      if (parent === dir) throw new Error(`cannot find the project root above ${import.meta.dirname}`);
      dir = parent;
    }
    root = dir;
  }
  return resolve(root, ...segments);
}
