// How berth.node is linked (binding.gyp, target `berth`): the heavy commands pay its dlopen
// at every start, and each shared library it needs (libstdc++.so, libseccomp.so, ...) would
// add to it, so its only one is libc; and it exports nothing but the Node-API entry points
// (native/src/berth.map). docs/performance.md, "berth.node's own load". Reads the built
// addon's dynamic section with readelf (binutils, which g++ brings); skips without either.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const addon = path.resolve(__dirname, '../../../native/build/Release/berth.node');

function readelf(...args: string[]): string | undefined {
  const r = spawnSync('readelf', ['-W', ...args, addon], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : undefined;
}

const ready = fs.existsSync(addon) && readelf('-h') !== undefined;
if (!ready) console.log('  addon-linkage: skipped (no native/build/Release/berth.node or no readelf)');

test('berth.node needs no shared library but libc', () => {
  if (!ready) return;
  const needed = [...readelf('-d')!.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  assert.equal(needed, ['libc.so.6']);
});

test('berth.node exports only the Node-API entry points', () => {
  if (!ready) return;
  const exported = readelf('--dyn-syms')!
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    // Num: Value Size Type Bind Vis Ndx Name: defined (Ndx not UND), global or weak
    .filter((f) => f.length >= 8 && /^\d+:$/.test(f[0]) && f[6] !== 'UND' && (f[4] === 'GLOBAL' || f[4] === 'WEAK'))
    .map((f) => f[7].replace(/@.*$/, ''))
    .sort();
  assert.equal(exported, ['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
});

test.run();
