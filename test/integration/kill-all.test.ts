// `kill --all` as containerd's shim uses it: after the init exited, to end what it left in the
// container's cgroup. runc exits 0 there; a plain kill of a stopped container is an error.

import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, sleepMs, stateOf, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';

function procsOf(dir: string): number[] {
  try {
    return fs.readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

test('kill --all of a stopped container exits 0 and ends what the init left; plain kill refuses', () => {
  const id = uniqueId('killall-stopped');
  // No pid namespace: the init's child outlives it, as in a shim-managed container without one.
  const spec = minimalSpec({ linux: { namespaces: [{ type: 'mount' }, { type: 'uts' }, { type: 'ipc' }], cgroupsPath: `/${id}` } });
  spec.process!.args = ['sh', '-c', 'sleep 600 </dev/null >/dev/null 2>&1 & exit 0'];
  const b = makeBundle(spec);
  const pidsDir = `/sys/fs/cgroup/pids/${id}`;
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    assert.is(berth(b.root, ['start', id]).status, 0);
    for (let i = 0; i < 500 && stateOf(b.root, id).status !== 'stopped'; i++) sleepMs(10);
    assert.is(stateOf(b.root, id).status, 'stopped');
    for (let i = 0; i < 500 && procsOf(pidsDir).length === 0; i++) sleepMs(10);
    assert.is(procsOf(pidsDir).length, 1, 'the background sleep outlived the init');

    const plain = berth(b.root, ['kill', id, 'KILL']);
    assert.is(plain.status, 1);
    assert.match(plain.stderr, 'container not running');

    const all = berth(b.root, ['kill', '--all', id, 'KILL']);
    assert.is(all.status, 0, all.stderr);
    for (let i = 0; i < 500 && procsOf(pidsDir).length > 0; i++) sleepMs(10);
    assert.equal(procsOf(pidsDir), [], 'the straggler is gone');
    // Nothing left to signal: still 0.
    assert.is(berth(b.root, ['kill', '--all', id]).status, 0);
    assert.is(berth(b.root, ['delete', id]).status, 0);
    assert.is(fs.existsSync(pidsDir), false);
  } finally {
    b.cleanup();
  }
});

test('kill --all of a created container signals its parked init', () => {
  const id = uniqueId('killall-created');
  const b = makeBundle();
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    assert.is(berth(b.root, ['kill', '--all', id, 'KILL']).status, 0);
    for (let i = 0; i < 500 && stateOf(b.root, id).status !== 'stopped'; i++) sleepMs(10);
    assert.is(stateOf(b.root, id).status, 'stopped');
  } finally {
    b.cleanup();
  }
});

test.run();
