// Loads the native addon (berth.node) once, lazily, from addonDir() (addon-path.ts). The file
// system calls of the short commands go through the smaller berth-io.node instead (io.ts).

import { addonDir } from './addon-path.js';
import type { NativeAddon } from './native.js';

let loaded: NativeAddon | undefined;

export function native(): NativeAddon {
  if (!loaded) {
    const mod = { exports: {} as NativeAddon };
    process.dlopen(mod, `${addonDir()}/berth.node`);
    loaded = mod.exports;
  }
  return loaded;
}
