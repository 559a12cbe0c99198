// The receiving end of --console-socket and listenerPath in tests: the conformance suite's
// fdrecv helper (conformance/helpers/fdrecv.c, built static by conformance/lib/helpers.ts).
// Node itself cannot receive SCM_RIGHTS.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { buildHelpers } from '../../conformance/lib/helpers.js';
import { repoRoot, sleepMs } from './berth.js';

let fdrecvBin = '';

/** Builds fdrecv (once); call from test.before. */
export async function buildFdrecv(): Promise<void> {
  const helpers = await buildHelpers(path.join(repoRoot, 'conformance/helpers'), path.join(repoRoot, 'build/conformance/bin'));
  fdrecvBin = helpers.fdrecv;
}

export interface Receiver {
  socket: string;
  meta: () => string;
  data: () => string;
  exited: Promise<void>;
  stop(): void;
  dir: string;
}

/** fdrecv listening on a fresh socket; returns once it accepts connections. */
export function receiver(mode: 'console' | 'seccomp'): Receiver {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-fdrecv-'));
  const socket = path.join(dir, `${mode}.sock`);
  const stem = path.join(dir, mode);
  const child: ChildProcess = spawn(fdrecvBin, [mode, socket, stem], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 500 && !fs.existsSync(`${stem}.ready`); i++) sleepMs(10);
  assert.ok(fs.existsSync(`${stem}.ready`), 'fdrecv did not come up');
  const read = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '');
  return {
    socket,
    dir,
    meta: () => read(`${stem}.meta`),
    data: () => read(`${stem}.data`).replace(/\r/g, ''),
    exited,
    stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
