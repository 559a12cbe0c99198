// create's checks before a child is placed in its cgroups (frozen: refused; busy: warned), the
// freezer state read from v1 and v2 files, and the bound on every wait for the child.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { frozenState, thawCgroups } from '../../src/cgroups/freezer.js';
import type { CgroupManager, CgroupRecord } from '../../src/cgroups/index.js';
import { checkCgroupBeforeUse } from '../../src/container/cgroup-checks.js';
import { childTimeoutMs, reapWithin, receiveFromChild } from '../../src/container/child-wait.js';
import { LaunchError } from '../../src/errors.js';
import type { NativeAddon } from '../../src/sys/native.js';

function withDirs(body: (freezer: string, unified: string) => void): void {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-freezer-'));
  const freezer = path.join(base, 'freezer/c');
  const unified = path.join(base, 'unified/c');
  fs.mkdirSync(freezer, { recursive: true });
  fs.mkdirSync(unified, { recursive: true });
  try {
    body(freezer, unified);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

test('frozenState: v1 FROZEN or FREEZING, v2 cgroup.freeze 1 or an ancestor\'s freeze in cgroup.events', () => {
  withDirs((freezer, unified) => {
    const hybrid: CgroupRecord = { version: 1, paths: { freezer, '': unified } };
    fs.writeFileSync(path.join(freezer, 'freezer.state'), 'THAWED\n');
    fs.writeFileSync(path.join(unified, 'cgroup.freeze'), '0\n');
    fs.writeFileSync(path.join(unified, 'cgroup.events'), 'populated 0\nfrozen 0\n');
    assert.is(frozenState(hybrid), undefined);
    for (const state of ['FROZEN', 'FREEZING']) {
      fs.writeFileSync(path.join(freezer, 'freezer.state'), `${state}\n`);
      assert.is(frozenState(hybrid), `${path.join(freezer, 'freezer.state')}: ${state}`);
    }
    fs.writeFileSync(path.join(freezer, 'freezer.state'), 'THAWED\n');
    fs.writeFileSync(path.join(unified, 'cgroup.events'), 'populated 0\nfrozen 1\n');
    assert.is(frozenState({ version: 2, paths: { '': unified } }), `${path.join(unified, 'cgroup.events')}: frozen 1`);
    fs.writeFileSync(path.join(unified, 'cgroup.freeze'), '1\n');
    assert.is(frozenState(hybrid), `${path.join(unified, 'cgroup.freeze')}: 1`);
    thawCgroups(hybrid);
    assert.is(fs.readFileSync(path.join(unified, 'cgroup.freeze'), 'utf8'), '0');
    assert.is(fs.readFileSync(path.join(freezer, 'freezer.state'), 'utf8'), 'THAWED');
  });
  assert.is(frozenState({ version: 1, paths: { cpu: '/nonexistent/berth' } }), undefined, 'no freezer: nothing frozen');
});

function fakeManager(rec: CgroupRecord, pids: number[]): CgroupManager {
  return { describe: () => rec, pids: () => pids } as unknown as CgroupManager;
}

test('checkCgroupBeforeUse: frozen is refused in runc\'s words, processes are a warning in runc\'s words', () => {
  withDirs((freezer) => {
    const rec: CgroupRecord = { version: 1, paths: { freezer } };
    fs.writeFileSync(path.join(freezer, 'freezer.state'), 'FROZEN\n');
    assert.throws(() => checkCgroupBeforeUse(fakeManager(rec, []), () => {}), /^container's cgroup unexpectedly frozen \(.*freezer\.state: FROZEN\)/);
    fs.writeFileSync(path.join(freezer, 'freezer.state'), 'THAWED\n');
    const warnings: string[] = [];
    checkCgroupBeforeUse(fakeManager(rec, [41, 42]), (m) => warnings.push(m));
    assert.equal(warnings, ["container's cgroup is not empty: 2 process(es) found"]);
    checkCgroupBeforeUse(fakeManager(rec, []), (m) => warnings.push(m));
    assert.is(warnings.length, 1);
  });
});

test('childTimeoutMs: 60 s unless BERTH_CHILD_TIMEOUT gives positive seconds', () => {
  assert.is(childTimeoutMs({}), 60_000);
  assert.is(childTimeoutMs({ BERTH_CHILD_TIMEOUT: '2.5' }), 2500);
  for (const bad of ['', '0', '-1', 'soon']) assert.is(childTimeoutMs({ BERTH_CHILD_TIMEOUT: bad }), 60_000, bad);
});

test('receiveFromChild: a timeout becomes a LaunchError saying so; other errors pass through', () => {
  const timesOut = { syncRecv: () => { throw Object.assign(new Error('recv sync socket: Connection timed out'), { code: 'ETIMEDOUT' }); } } as unknown as NativeAddon;
  assert.throws(() => receiveFromChild(timesOut, 5, 1500), (e: Error) => e instanceof LaunchError && /did not answer for 1\.5 s/.test(e.message));
  const broken = { syncRecv: () => { throw Object.assign(new Error('bad fd'), { code: 'EBADF' }); } } as unknown as NativeAddon;
  assert.throws(() => receiveFromChild(broken, 5, 1500), /bad fd/);
  let asked = 0;
  const fine = { syncRecv: (_fd: number, ms: number) => ((asked = ms), null) } as unknown as NativeAddon;
  assert.is(receiveFromChild(fine, 5, 1234), null);
  assert.is(asked, 1234, 'the bound reaches the addon');
});

test('reapWithin: gives up on a child that never exits', async () => {
  const never = { waitPid: () => new Promise(() => {}) } as unknown as NativeAddon;
  assert.is(await reapWithin(never, 1, 5), false);
  const exits = { waitPid: () => Promise.resolve({ code: 0, signal: null }) } as unknown as NativeAddon;
  assert.is(await reapWithin(exits, 1, 5), true);
});

test.run();
