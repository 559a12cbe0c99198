// The typed API's operations on a running container, through dist/berth with runc's command
// lines: exec, pause/resume, update, ps, events. The effect is checked in the container, the
// cgroup files and the process table. (exec needs berth's exec command: these tests fail
// until it is there.)

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BerthCommandError, ContainerNotFoundError, Runtime, defaultSpec, type ContainerEvent } from '../../src/api/index.js';
import { berthBin, makeBundle, sleepMs, uniqueId, type Bundle } from '../helpers/berth.js';

async function sleeper(tag: string): Promise<{ b: Bundle; rt: Runtime; id: string; pid: number }> {
  const spec = defaultSpec();
  spec.process!.terminal = false;
  spec.process!.args = ['sleep', '1000'];
  const b = makeBundle(spec);
  const rt = new Runtime({ root: b.root, binary: berthBin });
  const id = uniqueId(tag);
  await rt.run(id, { bundle: b.dir, detach: true });
  return { b, rt, id, pid: (await rt.state(id)).pid };
}

const cgroupPaths = (root: string, id: string): Record<string, string> =>
  JSON.parse(fs.readFileSync(path.join(root, id, 'state.json'), 'utf8')).cgroup.paths;

test('exec: args with cwd, env and user; the status and output of the process', async () => {
  const c = await sleeper('api-exec');
  try {
    const r = await c.rt.exec(c.id, { args: ['sh', '-c', 'echo $A $B; pwd; id -u; id -g; exit 4'], cwd: '/tmp', env: ['A=1', 'B=two'], user: { uid: 65534, gid: 65534 } });
    assert.equal(r, { status: 4, stdout: '1 two\n/tmp\n65534\n65534\n', stderr: '' });
    const p = await c.rt.exec(c.id, { process: { user: { uid: 0, gid: 0 }, cwd: '/', args: ['sh', '-c', 'echo from-process-json $X'], env: ['X=y'] } });
    assert.equal(p, { status: 0, stdout: 'from-process-json y\n', stderr: '' });
    const pidFile = path.join(c.b.dir, 'exec.pid');
    const d = await c.rt.exec(c.id, { args: ['sleep', '999'], detach: true, pidFile });
    assert.is(d.status, 0);
    const execPid = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.match(fs.readFileSync(`/proc/${execPid}/cmdline`, 'utf8'), /^sleep\x00999/);
    assert.ok((await c.rt.ps(c.id)).includes(execPid), 'the detached process is in the container');
    assert.instance(await c.rt.exec('berth-t-nope', { args: ['true'] }).catch((e: unknown) => e), ContainerNotFoundError);
  } finally {
    c.b.cleanup();
  }
});

test('pause / resume: the freezer and the status', async () => {
  const c = await sleeper('api-pause');
  try {
    await c.rt.pause(c.id);
    assert.is((await c.rt.state(c.id)).status, 'paused');
    const freezer = path.join(cgroupPaths(c.b.root, c.id)['freezer']!, 'freezer.state');
    assert.is(fs.readFileSync(freezer, 'utf8').trim(), 'FROZEN');
    const again = await c.rt.pause(c.id).catch((e: unknown) => e);
    assert.instance(again, BerthCommandError, 'pausing a paused container is refused');
    await c.rt.resume(c.id);
    assert.is((await c.rt.state(c.id)).status, 'running');
    assert.is(fs.readFileSync(freezer, 'utf8').trim(), 'THAWED');
  } finally {
    c.b.cleanup();
  }
});

test('update: the resources JSON on stdin reaches the cgroup', async () => {
  const c = await sleeper('api-update');
  try {
    await c.rt.update(c.id, { pids: { limit: 42 }, memory: { limit: 64 * 1024 * 1024 } });
    const paths = cgroupPaths(c.b.root, c.id);
    assert.is(fs.readFileSync(path.join(paths['pids']!, 'pids.max'), 'utf8').trim(), '42');
    assert.is(fs.readFileSync(path.join(paths['memory']!, 'memory.limit_in_bytes'), 'utf8').trim(), String(64 * 1024 * 1024));
  } finally {
    c.b.cleanup();
  }
});

test('ps: the pids of the container\'s processes; none once it stopped', async () => {
  const c = await sleeper('api-ps');
  try {
    assert.equal(await c.rt.ps(c.id), [c.pid]);
    await c.rt.kill(c.id, 'KILL');
    for (let i = 0; i < 200 && (await c.rt.state(c.id)).status !== 'stopped'; i++) sleepMs(10);
    assert.equal(await c.rt.ps(c.id), []);
  } finally {
    c.b.cleanup();
  }
});

test('events: parsed stats events; leaving the loop stops berth; --stats gives one', async () => {
  const c = await sleeper('api-events');
  try {
    const seen: ContainerEvent[] = [];
    for await (const ev of c.rt.events(c.id, { interval: 100 })) {
      seen.push(ev);
      if (seen.length === 2) break;
    }
    assert.equal(seen.map((e) => [e.type, e.id]), [['stats', c.id], ['stats', c.id]]);
    assert.ok(typeof (seen[0]!.data as { pids?: { current?: number } }).pids?.current === 'number');
    const once: ContainerEvent[] = [];
    for await (const ev of c.rt.events(c.id, { stats: true })) once.push(ev);
    assert.is(once.length, 1);
    assert.is(once[0]!.type, 'stats');
    // the stream ends by itself when the container stops
    const stream = c.rt.events(c.id, { interval: '50ms' });
    const first = await stream.next();
    assert.is(first.value && (first.value as ContainerEvent).type, 'stats');
    await c.rt.kill(c.id, 'KILL');
    // (a stream that did not end would hang the test here)
    for await (const ev of { [Symbol.asyncIterator]: () => stream }) assert.is(ev.id, c.id);
    const nf = c.rt.events('berth-t-nope');
    assert.instance(await nf.next().catch((e: unknown) => e), ContainerNotFoundError);
  } finally {
    c.b.cleanup();
  }
});

test.run();
