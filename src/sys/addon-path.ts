// Where berth's addons are. The compiled executable (dist/berth, built with Bun) loads them
// from the directory it lives in, a root-owned install path; it never lets Bun extract an
// embedded copy into a world-writable directory. Under Node (tests, library use) they are the
// node-gyp build output.

import { basename, dirname, resolve } from './posix-path.js';

export function addonDir(): string {
  const bun = (process.versions as Record<string, string | undefined>).bun;
  if (bun && basename(process.execPath) !== 'bun') return dirname(process.execPath);
  return resolve(__dirname, '../../../native/build/Release');
}
