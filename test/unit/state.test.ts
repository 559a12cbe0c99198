import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BerthError, ContainerNotFound } from '../../src/errors.js';
import { validateId } from '../../src/state/id.js';
import { deriveStatus, readStartTime, type ProcReader } from '../../src/state/status.js';
import { StateStore } from '../../src/state/store.js';
import type { StoredState } from '../../src/state/types.js';
import { stateDocument } from '../../src/state/state-document.js';

const stored = (over: Partial<StoredState> = {}): StoredState => ({
  ociVersion: '1.3.0', id: 'c1', pid: 42, pidStartTime: '1000', bundle: '/b', rootfs: '/b/rootfs',
  created: '2026-01-01T00:00:00.000Z', owner: '', annotations: {}, startable: true,
  cgroup: { version: 1, paths: {} }, ...over,
});

// comm with spaces and parentheses, to prove parsing starts after the last ')'.
const statLine = (state: string, start: string) => `42 (my (odd) proc) ${state} 1 ${Array.from({ length: 17 }, (_, i) => i).join(' ')} ${start} 0 0`;
const proc = (line: string | null): ProcReader => ({ stat: () => line });

test('status: alive with the recorded start time is created or running', () => {
  assert.is(readStartTime(42, proc(statLine('S', '1000'))), '1000');
  assert.is(deriveStatus(stored(), true, proc(statLine('S', '1000'))), 'created');
  assert.is(deriveStatus(stored(), false, proc(statLine('R', '1000'))), 'running');
});

test('status: a reused pid, a zombie or no process is stopped', () => {
  assert.is(deriveStatus(stored(), false, proc(statLine('S', '9999'))), 'stopped');
  assert.is(deriveStatus(stored(), false, proc(statLine('Z', '1000'))), 'stopped');
  assert.is(deriveStatus(stored(), true, proc(null)), 'stopped');
  assert.is(deriveStatus(stored({ pid: 0 }), false, proc(statLine('S', '1000'))), 'stopped');
});

test('ids: runc character set, no path tricks, bounded by NAME_MAX', () => {
  for (const ok of ['a', 'web-1', 'a.b_c+d', 'x'.repeat(255)]) validateId(ok);
  for (const bad of ['', '.', '..', '../x', 'a/b', 'a b', 'x'.repeat(256), 'semi;colon']) {
    assert.throws(() => validateId(bad), (e: unknown) => e instanceof BerthError, JSON.stringify(bad));
  }
});

test('store: exclusive create, atomic write without leftovers, missing is ContainerNotFound', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-store-'));
  try {
    const store = new StateStore(path.join(root, 'state'));
    store.createDir('c1');
    assert.throws(() => store.createDir('c1'), (e: unknown) => e instanceof BerthError && /exists/.test((e as Error).message));
    assert.throws(() => store.read('c1'), (e: unknown) => e instanceof ContainerNotFound);
    store.write('c1', stored());
    store.write('c1', stored({ pid: 43 }));
    assert.is(store.read('c1').pid, 43);
    assert.equal(fs.readdirSync(store.dir('c1')), ['state.json'], 'no temporary file left');
    assert.equal(store.list(), ['c1']);
    store.remove('c1');
    assert.equal(store.list(), []);
    assert.throws(() => store.dir('../escape'), (e: unknown) => e instanceof BerthError);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('state document: runc field order, pid 0 when stopped, annotations only when set', () => {
  const doc = stateDocument(stored({ annotations: { a: 'b' } }), 'running');
  assert.equal(Object.keys(doc), ['ociVersion', 'id', 'pid', 'status', 'bundle', 'rootfs', 'created', 'owner', 'annotations']);
  assert.is(stateDocument(stored(), 'stopped').pid, 0);
  assert.not.ok('annotations' in stateDocument(stored(), 'created'));
});

test.run();
