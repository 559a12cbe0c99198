// The whole lifecycle through dist/berth: create, start, state, kill, delete, run, and the
// errors for wrong transitions, with runc's wording where engines match on it.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, makeBundle, runIn, sleepMs, stateOf, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import { native } from '../../src/sys/addon.js';

function sleeper() {
  const spec = minimalSpec();
  spec.process!.args = ['sleep', '600'];
  return makeBundle(spec);
}

test('run: the container is pid 1 with its own hostname, and its exit status is ours', () => {
  const r = runIn('echo "$(hostname) $$"; exit 3');
  assert.is(r.stdout.trim(), 'berth-test 1', r.stderr);
  assert.is(r.status, 3);
});

test('create parks the init, start runs it, kill stops it, delete removes everything', () => {
  const b = sleeper();
  const id = uniqueId('life');
  const pidFile = path.join(b.dir, 'init.pid');
  try {
    const c = berth(b.root, ['create', '--bundle', b.dir, '--pid-file', pidFile, id]);
    assert.is(c.status, 0, c.stderr);
    const pidText = fs.readFileSync(pidFile, 'utf8');
    assert.match(pidText, /^\d+$/, 'pid file: digits only, no newline');
    const created = stateOf(b.root, id);
    assert.is(created.status, 'created');
    assert.is(created.pid, Number(pidText));
    assert.is(created.id, id);
    assert.is(created.bundle, b.dir);
    assert.is(created.ociVersion, '1.3.0');
    // Parked on the fifo: not yet running the user program.
    assert.not.match(fs.readFileSync(`/proc/${created.pid}/cmdline`, 'utf8'), 'sleep');

    assert.is(berth(b.root, ['start', id]).status, 0);
    assert.is(stateOf(b.root, id).status, 'running');
    assert.match(fs.readFileSync(`/proc/${created.pid}/cmdline`, 'utf8'), 'sleep');

    const again = berth(b.root, ['start', id]);
    assert.is.not(again.status, 0);
    assert.match(again.stderr, 'running');

    const del = berth(b.root, ['delete', id]);
    assert.is.not(del.status, 0, 'a running container is not deleted without --force');
    assert.is(stateOf(b.root, id).status, 'running', 'a refused delete changes nothing');

    assert.is(berth(b.root, ['kill', id, 'KILL']).status, 0);
    for (let i = 0; i < 500 && stateOf(b.root, id).status !== 'stopped'; i++) sleepMs(10);
    assert.is(stateOf(b.root, id).status, 'stopped');
    const killStopped = berth(b.root, ['kill', id, '9']);
    assert.is.not(killStopped.status, 0);
    assert.match(killStopped.stderr, 'container not running');

    assert.is(berth(b.root, ['delete', id]).status, 0);
    assert.not.ok(fs.existsSync(path.join(b.root, id)), 'state directory removed');
    const gone = berth(b.root, ['state', id]);
    assert.is.not(gone.status, 0);
    assert.match(gone.stderr, 'does not exist');
  } finally {
    b.cleanup();
  }
});

test('a created container is deleted by a plain delete, as containerd expects', () => {
  const b = sleeper();
  const id = uniqueId('created-del');
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    const pid = stateOf(b.root, id).pid;
    const d = berth(b.root, ['delete', id]);
    assert.is(d.status, 0, d.stderr);
    assert.not.ok(fs.existsSync(`/proc/${pid}/stat`) && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'), 'init is gone');
  } finally {
    b.cleanup();
  }
});

test('delete --force of a missing container exits 0; plain delete exits 1', () => {
  const b = sleeper();
  try {
    assert.is(berth(b.root, ['delete', '--force', 'berth-t-nosuch']).status, 0);
    const r = berth(b.root, ['delete', 'berth-t-nosuch']);
    assert.is(r.status, 1);
    assert.match(r.stderr, 'does not exist');
    const k = berth(b.root, ['kill', 'berth-t-nosuch']);
    assert.is.not(k.status, 0);
    assert.match(k.stderr, 'does not exist');
    const s = berth(b.root, ['start', 'berth-t-nosuch']);
    assert.is.not(s.status, 0);
  } finally {
    b.cleanup();
  }
});

test('a duplicate id is refused and leaves the first container alone', () => {
  const b = sleeper();
  const id = uniqueId('dup');
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    const second = berth(b.root, ['create', '--bundle', b.dir, id]);
    assert.is.not(second.status, 0);
    assert.match(second.stderr, 'exists');
    assert.is(stateOf(b.root, id).status, 'created');
  } finally {
    b.cleanup();
  }
});

test('kill --all signals every process in the container cgroup', () => {
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', 'sleep 600 & sleep 600 & wait'];
  const b = makeBundle(spec);
  const id = uniqueId('killall');
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    assert.is(berth(b.root, ['start', id]).status, 0);
    sleepMs(100);
    assert.is(berth(b.root, ['kill', '--all', id, 'SIGKILL']).status, 0);
    for (let i = 0; i < 500 && stateOf(b.root, id).status !== 'stopped'; i++) sleepMs(10);
    assert.is(stateOf(b.root, id).status, 'stopped');
  } finally {
    b.cleanup();
  }
});

test('list shows containers with their status', () => {
  const b = sleeper();
  const id = uniqueId('list');
  try {
    assert.is(berth(b.root, ['create', '--bundle', b.dir, id]).status, 0);
    const table = berth(b.root, ['list']);
    assert.match(table.stdout, /ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER/);
    assert.match(table.stdout, new RegExp(`${id}\\s+\\d+\\s+created`));
    const json = JSON.parse(berth(b.root, ['list', '--format', 'json']).stdout);
    assert.is(json[0].id, id);
    assert.is(berth(b.root, ['list', '-q']).stdout.trim(), id);
  } finally {
    b.cleanup();
  }
});

test('two concurrent creates of one id: exactly one wins', async () => {
  const b = sleeper();
  const id = uniqueId('race');
  try {
    const { spawnBerth } = await import('../helpers/berth.js');
    const results = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<number>((resolve) => {
            const p = spawnBerth(b.root, ['create', '--bundle', b.dir, id]);
            p.on('exit', (code) => resolve(code ?? -1));
          }),
      ),
    );
    assert.equal(results.sort(), [0, 1]);
    assert.is(stateOf(b.root, id).status, 'created');
  } finally {
    b.cleanup();
  }
});

test('twenty parallel lifecycles of different ids all succeed', async () => {
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', 'exit 0'];
  const b = makeBundle(spec);
  try {
    const { spawnBerth } = await import('../helpers/berth.js');
    const codes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        new Promise<number>((resolve) => {
          const p = spawnBerth(b.root, ['run', '--bundle', b.dir, uniqueId(`par${i}`)]);
          p.on('exit', (code) => resolve(code ?? -1));
        }),
      ),
    );
    assert.equal(codes, Array(20).fill(0));
    assert.equal(fs.readdirSync(b.root).filter((n) => !n.startsWith('.')), [], 'run removes every container');
  } finally {
    b.cleanup();
  }
});

test('a directory left by a killed create is reclaimed by delete --force and by a new create, never while a create runs', () => {
  const spec = minimalSpec();
  spec.process!.args = ['true'];
  const b = makeBundle(spec);
  const left = uniqueId('halfdel');
  const again = uniqueId('halfcreate');
  const busy = uniqueId('halfbusy');
  try {
    fs.mkdirSync(path.join(b.root, left), { recursive: true });
    assert.is(berth(b.root, ['delete', '--force', left]).status, 0);
    assert.not.ok(fs.existsSync(path.join(b.root, left)), 'delete --force removed the leftover');

    fs.mkdirSync(path.join(b.root, again));
    const c = berth(b.root, ['create', '--bundle', b.dir, again]);
    assert.is(c.status, 0, c.stderr);
    assert.is(stateOf(b.root, again).status, 'created');
    // The parked init does not hold the lock create held: delete does not wait.
    assert.is(berth(b.root, ['delete', again], { timeoutMs: 5000 }).status, 0);

    // A create in progress holds the lock: its directory is not a leftover.
    fs.mkdirSync(path.join(b.root, busy));
    const fd = fs.openSync(path.join(b.root, busy, 'lock'), 'w');
    try {
      assert.ok(native().flock(fd, true, true));
      const d = berth(b.root, ['delete', '--force', busy]);
      assert.is.not(d.status, 0);
      assert.match(d.stderr, 'still being created');
      assert.ok(fs.existsSync(path.join(b.root, busy)));
      const cr = berth(b.root, ['create', '--bundle', b.dir, busy]);
      assert.is.not(cr.status, 0);
      assert.match(cr.stderr, 'already exists');
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    b.cleanup();
  }
});

test.run();
