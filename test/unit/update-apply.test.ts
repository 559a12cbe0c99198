// update's writes on a cgroup v2 tree (fake): the resource writers with keepDevices (no device
// program), and undoableFiles putting every written file back when a later write fails.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { undoableFiles } from '../../src/cgroups/resources/undo.js';
import { CgroupV2 } from '../../src/cgroups/v2.js';
import { fakeCgroupFiles } from '../helpers/cgroups-fake-host.js';

const INITIAL: Record<string, string> = {
  'cgroup.controllers': 'cpu io memory pids\n',
  'memory.max': 'max\n',
  'memory.swap.max': 'max\n',
  'cpu.max': 'max 100000\n',
  'cpu.weight': '100\n',
  'pids.max': 'max\n',
};

function v2Tree(): { dir: string; text(name: string): string; done(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-update-'));
  for (const [name, text] of Object.entries(INITIAL)) fs.writeFileSync(path.join(dir, name), text);
  return { dir, text: (name) => fs.readFileSync(path.join(dir, name), 'utf8').trim(), done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('v2 update: memory, swap (memory+swap minus memory), cpu.max, weight, pids; no device program', () => {
  const t = v2Tree();
  try {
    const cg = new CgroupV2(t.dir, undefined, undoableFiles(fakeCgroupFiles()));
    cg.applyResources(
      { resources: { memory: { limit: 100 * 2 ** 20, swap: 300 * 2 ** 20 }, cpu: { shares: 512, quota: 50000, period: 200000 }, pids: { limit: 7 } } },
      { warn: () => undefined, keepDevices: true }, // no attachDeviceProgram: applying devices would throw
    );
    assert.is(t.text('memory.max'), String(100 * 2 ** 20));
    assert.is(t.text('memory.swap.max'), String(200 * 2 ** 20));
    assert.is(t.text('cpu.max'), '50000 200000');
    assert.is(t.text('cpu.weight'), '20');
    assert.is(t.text('pids.max'), '7');
  } finally {
    t.done();
  }
});

test('undoableFiles: a failing write puts every earlier file back, newest first', () => {
  const t = v2Tree();
  try {
    const base = fakeCgroupFiles();
    const failing = {
      ...base,
      write(file: string, value: string) {
        if (file.endsWith('pids.max')) throw Object.assign(new Error('EINVAL'), { code: 'EINVAL' });
        base.write(file, value);
      },
    };
    const files = undoableFiles(failing);
    const cg = new CgroupV2(t.dir, undefined, files);
    assert.throws(
      () => cg.applyResources({ resources: { memory: { limit: 100 * 2 ** 20 }, cpu: { quota: 50000 }, pids: { limit: 7 } } }, { warn: () => undefined, keepDevices: true }),
      /\/linux\/resources\/pids\/limit: cannot write "7"/,
    );
    assert.equal(files.undo(), []);
    for (const [name, text] of Object.entries(INITIAL)) assert.is(t.text(name), text.trim(), name);
    // written: cpu.max, memory.max; put back: memory.max, then cpu.max
    assert.equal(base.log.map(([f, v]) => `${path.basename(f)}=${v}`), ['cpu.max=50000', 'memory.max=104857600', 'memory.max=max', 'cpu.max=max 100000']);
  } finally {
    t.done();
  }
});

test('undoableFiles: an empty value (v2 cpuset.cpus inheriting its parent) is put back as a newline, never as a write of nothing', () => {
  const log: [string, string][] = [];
  const texts: Record<string, string> = { 'cpuset.cpus': '\n' };
  const files = undoableFiles({ read: (f) => texts[f], exists: (f) => f in texts, write: (f, v) => void log.push([f, v]) });
  files.write('cpuset.cpus', '1');
  assert.equal(files.undo(), []);
  assert.equal(log, [['cpuset.cpus', '1'], ['cpuset.cpus', '\n']]);
});

test.run();
