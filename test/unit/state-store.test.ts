// The state store on a temporary --root: exclusive create, atomic writes, id validation.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BerthError, ContainerBusy, ContainerNotFound } from '../../src/errors.js';
import { MAX_ID_LENGTH, validateId } from '../../src/state/id.js';
import { lockContainer, lockRoot, withContainerLock, type Flocker } from '../../src/state/lock.js';
import { StateStore } from '../../src/state/store.js';
import { rfc3339Nano } from '../../src/state/time.js';
import type { StoredState } from '../../src/state/types.js';
import { hasOwnPidNamespace } from '../../src/state/types.js';

const stored = (over: Partial<StoredState> = {}): StoredState => ({
  ociVersion: '1.3.0', id: 'c1', pid: 42, pidStartTime: '1000', bundle: '/b', rootfs: '/b/rootfs',
  created: '2026-01-01T00:00:00.5Z', owner: '', annotations: {}, startable: true,
  cgroup: { version: 1, paths: {} }, ...over,
});

const isA = (cls: new (...args: never[]) => Error) => (e: unknown) => e instanceof cls;

function withRoot(fn: (store: StateStore, root: string) => void | Promise<void>) {
  return async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-store-'));
    try {
      await fn(new StateStore(path.join(tmp, 'root')), path.join(tmp, 'root'));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  };
}

test('ids: runc\'s character set', () => {
  for (const ok of ['a', 'web-1', 'a.b_c+d', 'ABC123', '.hidden', 'x'.repeat(MAX_ID_LENGTH)]) assert.is(validateId(ok), ok);
});

test('ids: empty, ".", "..", slashes, other characters and over-long ids are refused with a clear message', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['.', /not a name/],
    ['..', /not a name/],
    ['../x', /"\.\.\/x"/],
    ['a/b', /"a\/b"/],
    ['/abs', /"\/abs"/],
    ['a b', /allowed/],
    ['semi;colon', /allowed/],
    ['comma,id', /allowed/],
    ['new\nline', /allowed/],
    ['x'.repeat(MAX_ID_LENGTH + 1), /256 characters long/],
    ['x'.repeat(5000), /at most 255/],
  ];
  for (const [bad, why] of cases) {
    assert.throws(() => validateId(bad), (e: unknown) => e instanceof BerthError && /invalid container ID format/.test((e as Error).message) && why.test((e as Error).message), JSON.stringify(bad).slice(0, 40));
  }
});

test('store paths are built only from valid ids', withRoot((store) => {
  assert.throws(() => store.dir('../escape'), isA(BerthError));
  assert.throws(() => store.statePath('a/b'), isA(BerthError));
  assert.throws(() => store.createDir('..'), isA(BerthError));
  assert.is(path.basename(store.fifoPath('c1')), 'exec.fifo');
  assert.is(path.basename(store.statePath('c1')), 'state.json');
}));

test('createDir makes the root 0700 on demand and claims an id exactly once', withRoot((store, root) => {
  assert.not.ok(fs.existsSync(root));
  store.createDir('c1');
  assert.is(fs.statSync(root).mode & 0o777, 0o700);
  assert.is(fs.statSync(store.dir('c1')).mode & 0o777, 0o700);
  assert.throws(() => store.createDir('c1'), (e: unknown) => e instanceof BerthError && (e as Error).message === 'container with given ID already exists: c1');
}));

test('read: a missing container or a half-created one (no state.json) is ContainerNotFound', withRoot((store) => {
  assert.throws(() => store.read('nosuch'), (e: unknown) => e instanceof ContainerNotFound && (e as Error).message === 'container nosuch does not exist');
  store.createDir('c1');
  assert.throws(() => store.read('c1'), isA(ContainerNotFound));
  assert.ok(store.hasDir('c1'));
  assert.not.ok(store.hasState('c1'));
}));

test('mustHaveState: ContainerNotFound for a missing container and a half-created one; a record, even a torn one, passes (read judges it)', withRoot((store, root) => {
  assert.throws(() => store.mustHaveState('nosuch'), (e: unknown) => e instanceof ContainerNotFound && (e as Error).message === 'container nosuch does not exist');
  store.createDir('c1');
  assert.throws(() => store.mustHaveState('c1'), isA(ContainerNotFound));
  fs.writeFileSync(path.join(root, 'c1', 'state.json'), '{torn');
  store.mustHaveState('c1');
  assert.throws(() => store.read('c1'), (e: unknown) => e instanceof BerthError && /state of container c1 is unreadable/.test((e as Error).message));
  store.write('c1', stored());
  store.mustHaveState('c1');
  assert.throws(() => store.mustHaveState('../c1'), isA(BerthError));
}));

test('write is atomic: the record is replaced whole and no temporary file is left', withRoot((store) => {
  store.createDir('c1');
  store.write('c1', stored());
  store.write('c1', stored({ pid: 43, annotations: { a: 'b' } }));
  assert.equal(store.read('c1'), stored({ pid: 43, annotations: { a: 'b' } }));
  assert.equal(fs.readdirSync(store.dir('c1')), ['state.json']);
  assert.is(fs.statSync(store.statePath('c1')).mode & 0o777, 0o600);
}));

test('write without durability writes the same record', withRoot((_store, root) => {
  const fast = new StateStore(root, { durable: false });
  fast.createDir('c1');
  fast.write('c1', stored());
  assert.equal(fast.read('c1'), stored());
  assert.equal(fs.readdirSync(fast.dir('c1')), ['state.json']);
}));

test('write into a deleted container fails cleanly, leaving nothing', withRoot((store) => {
  assert.throws(() => store.write('c1', stored()), isA(ContainerNotFound));
  assert.not.ok(fs.existsSync(store.dir('c1')));
  store.createDir('c2');
  assert.throws(() => store.write('c2', stored()), /written as c2/, 'a record for another id is refused');
  assert.equal(fs.readdirSync(store.dir('c2')), []);
}));

test('an unreadable state.json is an error naming the container, not a raw JSON error', withRoot((store) => {
  store.createDir('c1');
  fs.writeFileSync(store.statePath('c1'), '{"id":"c1",');
  assert.throws(() => store.read('c1'), (e: unknown) => e instanceof BerthError && /state of container c1 is unreadable/.test((e as Error).message));
  fs.writeFileSync(store.statePath('c1'), '{"id":"other","pid":1,"pidStartTime":"1"}');
  assert.throws(() => store.read('c1'), /not a berth state record/);
}));

test('list: sorted ids of container directories only; a missing root is empty', withRoot((store, root) => {
  assert.equal(store.list(), []);
  for (const id of ['b', 'a', 'c']) store.createDir(id);
  fs.writeFileSync(path.join(root, 'stray-file'), '');
  fs.mkdirSync(path.join(root, 'not valid'));
  assert.equal(store.list(), ['a', 'b', 'c']);
  store.remove('b');
  store.remove('b'); // removing twice is fine
  assert.equal(store.list(), ['a', 'c']);
}));

test('lock: taken through the flocker, released on return and on throw', withRoot(async (store) => {
  store.createDir('c1');
  const calls: string[] = [];
  const flocker: Flocker = { flock: (_fd, exclusive, nonBlocking) => (calls.push(`${exclusive}/${nonBlocking}`), true) };
  assert.is(await withContainerLock(store, 'c1', () => 7, { flocker }), 7);
  await withContainerLock(store, 'c1', async () => {
    throw new Error('boom');
  }, { flocker }).then(() => assert.unreachable('should throw'), (e: Error) => assert.is(e.message, 'boom'));
  assert.equal(calls, ['true/false', 'true/false']);
  assert.ok(fs.existsSync(store.lockPath('c1')));
}));

test('lock: a busy container with nonBlocking, a missing container, a deleted one', withRoot((store) => {
  const busy: Flocker = { flock: () => false };
  store.createDir('c1');
  assert.throws(() => lockContainer(store, 'c1', { flocker: busy, nonBlocking: true }), /container c1 is busy/);
  assert.throws(() => lockContainer(store, 'nosuch', { flocker: busy }), isA(ContainerNotFound));
  // delete removes the directory while another command waits for the lock.
  const deletedMeanwhile: Flocker = { flock: () => (store.remove('c1'), true) };
  assert.throws(() => lockContainer(store, 'c1', { flocker: deletedMeanwhile }), isA(ContainerNotFound));
}));

test('lock: when the id was re-created while waiting, the lock is taken on the new file', withRoot((store) => {
  store.createDir('c1');
  let round = 0;
  const recreated: Flocker = {
    flock: () => {
      if (round++ === 0) {
        store.remove('c1');
        store.createDir('c1');
      }
      return true;
    },
  };
  const lock = lockContainer(store, 'c1', { flocker: recreated });
  assert.is(round, 2);
  lock.release();
  lock.release(); // idempotent
}));

test('lock with the real flock: a second holder is refused until the first releases', withRoot(async (store) => {
  store.createDir('c1');
  const first = lockContainer(store, 'c1');
  try {
    assert.throws(() => lockContainer(store, 'c1', { nonBlocking: true }), /container c1 is busy/);
  } finally {
    first.release();
  }
  lockContainer(store, 'c1', { nonBlocking: true }).release();
}));

test('remove: the id is free at once and nothing is left under the root, also for the longest id', withRoot((store, root) => {
  for (const id of ['c1', 'x'.repeat(MAX_ID_LENGTH)]) {
    store.createDir(id);
    store.write(id, stored({ id }));
    store.remove(id);
    assert.not.ok(store.hasDir(id));
  }
  store.remove('never-made'); // a missing one is fine
  assert.equal(fs.readdirSync(root), []);
}));

test('creating record: written atomically beside the lock, read back; missing or torn is undefined', withRoot((store) => {
  store.createDir('c1');
  assert.is(store.readCreating('c1'), undefined);
  const rec = { cgroup: { version: 1 as const, paths: { pids: '/sys/fs/cgroup/pids/c1' }, kept: [] }, rootfs: '/b/rootfs', rootfsMountBelow: 7 };
  store.writeCreating('c1', rec);
  assert.equal(store.readCreating('c1'), rec);
  fs.writeFileSync(path.join(store.dir('c1'), 'creating.json'), '{"cgroup":');
  assert.is(store.readCreating('c1'), undefined);
  assert.equal(fs.readdirSync(store.dir('c1')).sort(), ['creating.json']);
}));

test('root lock: flock on the root directory itself, which it makes; no file of its own', withRoot((store, root) => {
  const calls: [boolean, boolean][] = [];
  const flocker: Flocker = { flock: (_fd, exclusive, nonBlocking) => (calls.push([exclusive, nonBlocking]), true) };
  const lock = lockRoot(store, flocker);
  lock.release();
  lock.release(); // twice is fine
  assert.equal(calls, [[true, false]]);
  assert.equal(fs.readdirSync(root), []);
}));

test('a busy container is a ContainerBusy (kill waits on it, delete --force of a creating container passes)', withRoot((store) => {
  store.createDir('c1');
  const busy: Flocker = { flock: () => false };
  assert.throws(() => lockContainer(store, 'c1', { flocker: busy, nonBlocking: true }), isA(ContainerBusy));
}));

test('created timestamps: RFC 3339, nanoseconds, trailing zeros dropped as Go does', () => {
  assert.is(rfc3339Nano(1_795_355_007_633_561_718n), '2026-11-22T13:43:27.633561718Z');
  assert.is(rfc3339Nano(1_795_355_007_500_000_000n), '2026-11-22T13:43:27.5Z');
  assert.is(rfc3339Nano(1_795_355_007_000_000_000n), '2026-11-22T13:43:27Z');
  assert.match(rfc3339Nano(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  assert.ok(Math.abs(Date.parse(rfc3339Nano()) - Date.now()) < 60_000, 'now is now');
});

test('own pid namespace: only a created (not joined) pid namespace counts; unknown is false', () => {
  assert.ok(hasOwnPidNamespace({ namespaces: [{ type: 'mount' }, { type: 'pid' }] }));
  assert.not.ok(hasOwnPidNamespace({ namespaces: [{ type: 'pid', path: '/proc/1/ns/pid' }] }));
  assert.not.ok(hasOwnPidNamespace({ namespaces: [{ type: 'mount' }] }));
  assert.not.ok(hasOwnPidNamespace({}));
});

test.run();
