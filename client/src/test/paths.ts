// Paths for the unit tests, which run from client/out/unit/test (compiled by tsc).
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest folder above this file that holds package.json. */
function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot(__dirname);
export const inRoot = (...parts: string[]): string => path.join(ROOT, ...parts);
/** An npm binary installed in node_modules/.bin. */
export const npmBin = (name: string): string =>
  inRoot('node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
