// The runtimes every engine scenario runs with: berth (dist/berth, the runtime under test)
// and runc, the reference that proves the scenario and the harness are right.
// BERTH_ENGINE_RUNTIMES=berth (or runc) narrows the list; BERTH_ENGINE_BERTH=PATH measures or
// tests another berth executable (npm run bench -- --berth PATH sets it).

import path from 'node:path';
import { installed } from './run-cmd.js';

export const repoRoot = path.resolve(__dirname, '../../../..');

export interface Runtime {
  name: 'berth' | 'runc';
  bin: string;
}

const all: Runtime[] = [
  { name: 'berth', bin: process.env.BERTH_ENGINE_BERTH || path.join(repoRoot, 'dist/berth') },
  { name: 'runc', bin: ['/usr/bin/runc', '/usr/sbin/runc', '/usr/local/bin/runc', '/usr/local/sbin/runc'].find(installed) ?? '/usr/bin/runc' },
];

export function runtimesUnderTest(): Runtime[] {
  const wanted = (process.env.BERTH_ENGINE_RUNTIMES ?? 'berth,runc').split(',').map((s) => s.trim());
  return all.filter((r) => wanted.includes(r.name));
}

/** Why the runtimes cannot run, or undefined. */
export function runtimesMissing(): string | undefined {
  const absent = runtimesUnderTest().filter((r) => !installed(r.bin));
  return absent.length ? absent.map((r) => `${r.bin} is missing`).join(', ') : undefined;
}
