// `delete` of a stopped container: its cgroups are normally empty, and delete removes them with
// one rmdir each; whatever makes that rmdir fail (a process that outlived the init, a cgroup the
// container made below its own) must still be found, killed and removed, and cgroups already
// gone are not an error. kill and delete of an id without state.json (a create in progress, or
// one that died) say it does not exist.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, sleepMs, stateOf, uniqueId, type Bundle } from '../helpers/berth.js';
import { cgroupDirsLeft, cgroupHierarchies } from '../helpers/leftovers.js';
import { minimalSpec } from '../helpers/specs.js';
import type { Namespace } from '../../src/spec/types.js';

function procsOf(dir: string): number[] {
  try {
    return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A bundle whose init runs `script` (sh -c), cgroupsPath /<id>, run until it stopped. */
function stopped(id: string, script: string, namespaces: Namespace[] = [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }]): Bundle {
  const spec = minimalSpec({ linux: { namespaces, cgroupsPath: `/${id}` } });
  spec.process!.args = ['sh', '-c', script];
  const b = makeBundle(spec);
  const run = berth(b.root, ['run', '--detach', '--bundle', b.dir, id]);
  assert.is(run.status, 0, run.stderr);
  for (let i = 0; i < 500 && stateOf(b.root, id).status !== 'stopped'; i++) sleepMs(10);
  assert.is(stateOf(b.root, id).status, 'stopped');
  return b;
}

function assertDeleted(b: Bundle, id: string): void {
  assert.equal(cgroupDirsLeft(`/${id}`), [], 'no cgroup left');
  assert.not.ok(fs.existsSync(path.join(b.root, id)), 'no state directory left');
  assert.is(berth(b.root, ['state', id]).status, 1);
}

test('delete of a stopped container removes its empty cgroups', () => {
  const id = uniqueId('del-empty');
  const b = stopped(id, 'exit 0');
  try {
    assert.ok(cgroupDirsLeft(`/${id}`).length > 0, 'the cgroups exist before delete');
    const r = berth(b.root, ['delete', id]);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout + r.stderr, '');
    assertDeleted(b, id);
  } finally {
    b.cleanup();
  }
});

test('delete of a stopped container kills a process that outlived the init and removes the cgroups', () => {
  const id = uniqueId('del-straggler');
  // No pid namespace: the background sleep outlives the init, in every cgroup of the container.
  const b = stopped(id, 'sleep 600 </dev/null >/dev/null 2>&1 & exit 0', [{ type: 'mount' }, { type: 'uts' }]);
  try {
    const dirs = cgroupDirsLeft(`/${id}`);
    let straggler = 0;
    for (let i = 0; i < 500 && !straggler; i++) {
      straggler = procsOf(dirs[0]!)[0] ?? 0;
      if (!straggler) sleepMs(10);
    }
    assert.ok(straggler > 0, 'the background sleep outlived the init');
    const r = berth(b.root, ['delete', id]);
    assert.is(r.status, 0, r.stderr);
    for (let i = 0; i < 500 && alive(straggler); i++) sleepMs(10);
    assert.not.ok(alive(straggler), 'the straggler is killed');
    assertDeleted(b, id);
  } finally {
    b.cleanup();
  }
});

test('delete of a stopped container removes the cgroups made below its own', () => {
  const id = uniqueId('del-nested');
  const b = stopped(id, 'exit 0');
  try {
    const dirs = cgroupDirsLeft(`/${id}`);
    for (const dir of dirs) fs.mkdirSync(path.join(dir, 'sub/deeper'), { recursive: true });
    const r = berth(b.root, ['delete', id]);
    assert.is(r.status, 0, r.stderr);
    assertDeleted(b, id);
  } finally {
    b.cleanup();
  }
});

test('delete of a stopped container whose cgroups are already gone, all or some', () => {
  for (const which of ['all', 'some'] as const) {
    const id = uniqueId(`del-gone-${which}`);
    const b = stopped(id, 'exit 0');
    try {
      const dirs = cgroupDirsLeft(`/${id}`);
      for (const dir of which === 'all' ? dirs : dirs.filter((_, i) => i % 2 === 0)) fs.rmdirSync(dir);
      const r = berth(b.root, ['delete', id]);
      assert.is(r.status, 0, r.stderr);
      assertDeleted(b, id);
    } finally {
      b.cleanup();
    }
  }
});

test('delete of a stopped container whose lock file is gone', () => {
  const id = uniqueId('del-nolock');
  const b = stopped(id, 'exit 0');
  try {
    fs.rmSync(path.join(b.root, id, 'lock'), { force: true });
    const r = berth(b.root, ['delete', id]);
    assert.is(r.status, 0, r.stderr);
    assertDeleted(b, id);
  } finally {
    b.cleanup();
  }
});

test('kill and delete of an id whose directory has no state.json: does not exist; delete --force removes it', () => {
  const id = uniqueId('del-nostate');
  const b = stopped(id, 'exit 0');
  try {
    fs.rmSync(path.join(b.root, id, 'state.json'));
    for (const args of [['kill', id, '0'], ['kill', '--all', id], ['delete', id]]) {
      const r = berth(b.root, args);
      assert.is(r.status, 1, args.join(' '));
      assert.match(r.stderr, `container ${id} does not exist`, args.join(' '));
    }
    assert.ok(fs.existsSync(path.join(b.root, id)), 'a plain delete leaves the directory');
    const forced = berth(b.root, ['delete', '--force', id]);
    assert.is(forced.status, 0, forced.stderr);
    assert.not.ok(fs.existsSync(path.join(b.root, id)), 'delete --force removes it');
  } finally {
    for (const h of cgroupHierarchies()) {
      try {
        fs.rmdirSync(path.join(h, id)); // the record naming these cgroups was removed above
      } catch {
        // gone
      }
    }
    b.cleanup();
  }
});

test('kill and delete of an id that is not there, and of a corrupt record', () => {
  const id = uniqueId('del-corrupt');
  const b = stopped(id, 'exit 0');
  try {
    for (const args of [['kill', 'nosuch', '0'], ['delete', 'nosuch']]) {
      const r = berth(b.root, args);
      assert.is(r.status, 1, args.join(' '));
      assert.match(r.stderr, 'container nosuch does not exist', args.join(' '));
    }
    assert.is(berth(b.root, ['delete', '--force', 'nosuch']).status, 0);
    const file = path.join(b.root, id, 'state.json');
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, '{not json');
    for (const args of [['kill', id, '0'], ['delete', id], ['delete', '--force', id]]) {
      const r = berth(b.root, args);
      assert.is(r.status, 1, args.join(' '));
      assert.match(r.stderr, `state of container ${id} is unreadable`, args.join(' '));
    }
    fs.writeFileSync(file, good);
    assert.is(berth(b.root, ['delete', id]).status, 0);
    assertDeleted(b, id);
  } finally {
    b.cleanup();
  }
});

test.run();
