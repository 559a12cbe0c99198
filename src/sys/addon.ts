// Loads the native addon once, lazily. The compiled executable (dist/berth, built with Bun)
// loads berth.node from the directory it lives in, a root-owned install path; it never lets
// Bun extract an embedded copy into a world-writable directory. Under Node (tests, library
// use) it loads the node-gyp build output.

import path from 'node:path';
import type { NativeAddon } from './native.js';

let loaded: NativeAddon | undefined;

function addonPath(): string {
  const bun = (process.versions as Record<string, string | undefined>).bun;
  if (bun && path.basename(process.execPath) !== 'bun') {
    return path.join(path.dirname(process.execPath), 'berth.node');
  }
  return path.resolve(__dirname, '../../../native/build/Release/berth.node');
}

export function native(): NativeAddon {
  if (!loaded) {
    const mod = { exports: {} as NativeAddon };
    process.dlopen(mod, addonPath());
    loaded = mod.exports;
  }
  return loaded;
}
