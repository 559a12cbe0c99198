// runtime.md: the lifecycle and the operations create, start, kill, delete, and the errors
// each must give for a missing id or a container in the wrong state.

import fs from 'node:fs';
import path from 'node:path';
import { check, type Check } from '../lib/check.js';
import type { CheckContext, Created } from '../lib/context.js';
import { sleep, waitFor } from '../lib/exec.js';
import { cgroupPathFor, cgroupsOf, processAlive } from '../lib/host.js';
import { describeFailure } from '../lib/runtime.js';
import { PROBE, shArgs } from '../lib/spec.js';

/** A container whose process waits for a signal (wait-signal) and records it in /out/sig. */
async function createWaiter(t: CheckContext): Promise<Created> {
  const spec = t.spec();
  spec.process!.args = [PROBE, 'wait-signal', '/out/sig'];
  return t.create(spec);
}

async function startWaiter(t: CheckContext, c: Created): Promise<void> {
  await t.start(c);
  const ready = await waitFor(() => fs.existsSync(path.join(c.bundle.out, 'sig.ready')), 5000);
  t.assert(ready, 'the container process did not come up after start');
}

async function statusOf(t: CheckContext, id: string): Promise<string | undefined> {
  const { json } = await t.rt.state(id);
  return json ? String(json.status) : undefined;
}

export const lifecycleChecks: Check[] = [
  check('lifecycle.create-defers-program', 'create sets up the container but does not run process.args; start runs it', async (t) => {
    const spec = t.spec();
    spec.process!.args = shArgs('echo ran > /out/ran');
    const c = await t.create(spec);
    await sleep(300);
    t.assert(!fs.existsSync(path.join(c.bundle.out, 'ran')), 'the user program ran before start');
    t.equal(await statusOf(t, c.id), 'created', 'status after create');
    await t.start(c);
    const ran = await waitFor(() => fs.existsSync(path.join(c.bundle.out, 'ran')), 5000);
    t.assert(ran, 'the user program did not run after start');
  }),

  check('lifecycle.status-values', 'state reports created, then running, then stopped', async (t) => {
    const c = await createWaiter(t);
    t.equal(await statusOf(t, c.id), 'created', 'status after create');
    await startWaiter(t, c);
    t.equal(await statusOf(t, c.id), 'running', 'status after start');
    const k = await t.rt.kill(c.id, 'KILL');
    t.assert(k.code === 0, `kill failed: ${describeFailure(k)}`);
    await t.waitStopped(c);
    t.equal(await statusOf(t, c.id), 'stopped', 'status after the process exited');
  }),

  check('lifecycle.config-frozen-at-create', 'changes to config.json after create do not affect the container', async (t) => {
    const spec = t.spec();
    spec.process!.args = shArgs('echo original > /out/which');
    const c = await t.create(spec);
    const changed = structuredClone(c.bundle.config);
    changed.process!.args = shArgs('echo changed > /out/which');
    t.writeConfig(c.bundle, changed);
    await t.start(c);
    await t.waitStopped(c);
    const which = fs.readFileSync(path.join(c.bundle.out, 'which'), 'utf8').trim();
    t.equal(which, 'original', 'program that ran');
  }),

  check('lifecycle.start-twice-fails', 'start on a running or stopped container fails and changes nothing', async (t) => {
    const c = await createWaiter(t);
    await startWaiter(t, c);
    const again = await t.rt.start(c.id);
    t.assert(again.code !== 0, 'start of a running container succeeded');
    t.assert(processAlive(c.pid, c.startTime), 'start of a running container disturbed its process');
    t.equal(await statusOf(t, c.id), 'running', 'status after the refused start');
    await t.rt.kill(c.id, 'KILL');
    await t.waitStopped(c);
    const third = await t.rt.start(c.id);
    t.assert(third.code !== 0, 'start of a stopped container succeeded');
    t.equal(await statusOf(t, c.id), 'stopped', 'status after the refused start');
  }),

  check('lifecycle.kill-sends-signal', 'kill delivers the named signal to the container process', async (t) => {
    const c = await createWaiter(t);
    await startWaiter(t, c);
    const k = await t.rt.kill(c.id, 'USR1');
    t.assert(k.code === 0, `kill USR1 failed: ${describeFailure(k)}`);
    const got = await waitFor(() => {
      try {
        return fs.readFileSync(path.join(c.bundle.out, 'sig'), 'utf8').trim() || undefined;
      } catch {
        return undefined;
      }
    }, 5000);
    t.equal(got, '10', 'signal number the process received');
  }),

  check('lifecycle.kill-numeric-signal', 'kill accepts a signal number (runc syntax) and delivers it', async (t) => {
    const c = await createWaiter(t);
    await startWaiter(t, c);
    const k = await t.rt.kill(c.id, '12');
    t.assert(k.code === 0, `kill 12 failed: ${describeFailure(k)}`);
    const got = await waitFor(() => {
      try {
        return fs.readFileSync(path.join(c.bundle.out, 'sig'), 'utf8').trim() || undefined;
      } catch {
        return undefined;
      }
    }, 5000);
    t.equal(got, '12', 'signal number the process received');
  }),

  check('lifecycle.kill-created', 'kill works on a created container (before start)', async (t) => {
    const c = await createWaiter(t);
    const k = await t.rt.kill(c.id, 'KILL');
    t.assert(k.code === 0, `kill of a created container failed: ${describeFailure(k)}`);
    await t.waitStopped(c);
  }),

  check('lifecycle.kill-stopped-fails', 'kill on a stopped container fails', async (t) => {
    const c = await createWaiter(t);
    await startWaiter(t, c);
    await t.rt.kill(c.id, 'KILL');
    await t.waitStopped(c);
    const k = await t.rt.kill(c.id, 'TERM');
    t.assert(k.code !== 0, 'kill of a stopped container succeeded');
    t.equal(await statusOf(t, c.id), 'stopped', 'status after the refused kill');
  }),

  check('lifecycle.delete-running-fails', 'delete (without force) of a running container fails and leaves it running', async (t) => {
    const c = await createWaiter(t);
    await startWaiter(t, c);
    const d = await t.rt.delete(c.id);
    t.assert(d.code !== 0, 'delete of a running container succeeded');
    t.assert(processAlive(c.pid, c.startTime), 'the refused delete stopped the container process');
    t.equal(await statusOf(t, c.id), 'running', 'status after the refused delete');
  }),

  check('lifecycle.delete-created-fails', 'delete (without force) of a created container fails and leaves it created', async (t) => {
    const c = await createWaiter(t);
    const d = await t.rt.delete(c.id);
    t.assert(d.code !== 0, 'delete of a created (not stopped) container succeeded');
    t.assert(processAlive(c.pid, c.startTime), 'the refused delete killed the container process');
    t.equal(await statusOf(t, c.id), 'created', 'status after the refused delete');
  }),

  check('lifecycle.delete-removes-container', 'delete of a stopped container removes it: state fails, the cgroup is gone', async (t) => {
    const c = await t.create(t.spec());
    const cgPath = c.bundle.config.linux!.cgroupsPath!;
    const placed = cgroupsOf(c.pid);
    await t.start(c);
    await t.waitStopped(c);
    await t.deleteOk(c);
    const { res } = await t.rt.state(c.id);
    t.assert(res.code !== 0, 'state still answers for the deleted container');
    for (const [controller, mp] of t.env.cgroups.v1) {
      if (cgroupPathFor(placed, controller) !== cgPath) continue;
      const dir = path.join(mp, cgPath);
      t.assert(!fs.existsSync(dir), `cgroup ${dir} still exists after delete`);
    }
  }),

  check('lifecycle.delete-keeps-foreign', 'delete leaves alone what the container did not create (bind source, joined namespace)', async (t) => {
    const holder = await t.holdNamespaces(['uts']);
    const spec = t.spec();
    const src = path.join(t.dir, 'keep-src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'kept'), 'data');
    spec.mounts!.push({ destination: '/keep', type: 'bind', source: src, options: ['bind'] });
    spec.linux!.namespaces = spec.linux!.namespaces!.map((n) => (n.type === 'uts' ? { type: 'uts', path: `/proc/${holder}/ns/uts` } : n));
    delete spec.hostname; // a joined uts namespace is not the container's to rename
    await t.run(spec);
    t.assert(fs.readFileSync(path.join(src, 'kept'), 'utf8') === 'data', 'the bind mount source changed');
    t.assert(processAlive(holder), 'the process holding the joined namespace is gone');
  }),

  check('lifecycle.id-unique', 'create with an id already in use fails and leaves the first container alone', async (t) => {
    const first = await createWaiter(t);
    const spec = t.spec();
    spec.linux!.cgroupsPath = t.cgroupsPathFor(`${first.id}-dup`);
    const b = await t.bundle(spec, first.id);
    const dup = await t.rt.create(first.id, b.dir);
    t.assert(dup.code !== 0, 'a second container with the same id was created');
    const { json } = await t.rt.state(first.id);
    t.equal(json?.status, 'created', 'status of the first container');
    t.equal(Number(json?.pid), first.pid, 'pid of the first container');
    t.equal(json?.bundle, first.bundle.dir, 'bundle of the first container');
  }),

  check('lifecycle.id-invalid', 'create with an id that cannot name a container ("../x", "a/b") fails', async (t) => {
    for (const bad of ['../berth-conf-escape', 'berth-conf/slash']) {
      const spec = t.spec();
      spec.linux!.cgroupsPath = t.cgroupsPathFor('invalid-id');
      const b = await t.bundle(spec, bad);
      const res = await t.rt.create(bad, b.dir);
      if (res.code === 0) {
        await t.rt.delete(bad, true);
        t.fail(`create accepted the id ${JSON.stringify(bad)}`);
      }
    }
    t.assert(!fs.existsSync(path.join(path.dirname(t.rt.root), 'berth-conf-escape')), 'a state entry was written outside --root');
  }),

  check('lifecycle.requires-id', 'create, start, state, kill and delete fail when no container id is given', async (t) => {
    const b = await t.bundle(t.spec(), 'none');
    const tries: [string, string[]][] = [
      ['create', ['create', '--bundle', b.dir]],
      ['start', ['start']],
      ['state', ['state']],
      ['kill', ['kill']],
      ['delete', ['delete']],
    ];
    for (const [name, args] of tries) {
      const res = await t.rt.raw(args, `noid-${name}`, { cwd: t.dir });
      t.assert(res.code !== 0, `${name} without an id succeeded`);
    }
  }),

  check('lifecycle.unknown-id', 'state, start, kill and delete of an id that does not exist fail', async (t) => {
    const id = t.newId();
    for (const args of [['state', id], ['start', id], ['kill', id, 'KILL'], ['delete', id]]) {
      const res = await t.rt.raw(args, `unknown-${args[0]}`);
      t.assert(res.code !== 0, `${args[0]} of a container that does not exist succeeded`);
    }
  }),

  check('lifecycle.bundle-required', 'create fails when the bundle has no config.json', async (t) => {
    const id = t.newId();
    const empty = fs.mkdtempSync(path.join(t.dir, 'empty-bundle-'));
    const res = await t.rt.create(id, empty);
    t.assert(res.code !== 0, 'create succeeded with a bundle that has no config.json');
    const { res: st } = await t.rt.state(id);
    t.assert(st.code !== 0, 'a container was left behind');
  }),

  check('lifecycle.start-needs-process', 'a config without process can be created, and start then fails', async (t) => {
    const spec = t.spec();
    delete spec.process;
    const c = await t.create(spec);
    const s = await t.rt.start(c.id);
    t.assert(s.code !== 0, 'start succeeded although config.json has no process');
  }),

  check('lifecycle.error-leaves-nothing', 'a failed create leaves no container, state directory, cgroup or mount behind', async (t) => {
    const spec = t.spec();
    spec.mounts!.push({ destination: '/missing', type: 'bind', source: path.join(t.dir, 'no-such-source'), options: ['bind'] });
    const { bundle } = await t.createFails(spec);
    const cgPath = bundle.config.linux!.cgroupsPath!;
    for (const [controller, mp] of t.env.cgroups.v1) {
      t.assert(!fs.existsSync(path.join(mp, cgPath)), `the failed create left cgroup ${cgPath} (${controller})`);
    }
    const left = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(bundle.dir));
    t.assert(left.length === 0, `the failed create left mounts: ${left.map((l) => l.split(' ')[4]).join(', ')}`);
    const entries = fs.existsSync(t.rt.root) ? fs.readdirSync(t.rt.root).filter((n) => n.includes(bundle.id)) : [];
    t.assert(entries.length === 0, `the failed create left ${entries.join(', ')} in --root`);
    // The id is free again.
    const again = await t.bundle(t.spec(), bundle.id);
    const res = await t.rt.create(bundle.id, again.dir);
    t.assert(res.code === 0, `the id of the failed create cannot be reused: ${describeFailure(res)}`);
  }),

  check('cli.run-exit-status', 'runc CLI: `run` waits for the container and exits with its status', async (t) => {
    const spec = t.spec();
    spec.process!.args = [PROBE, 'exit', '7'];
    const id = t.newId();
    const b = await t.bundle(spec, id);
    const res = await t.rt.raw(['run', '--bundle', b.dir, id], 'run', { cwd: t.dir });
    t.equal(res.code, 7, 'exit status of run');
    const { res: st } = await t.rt.state(id);
    t.assert(st.code !== 0, '`run` left the container behind after it exited');
  }),

  check('cli.delete-force', 'runc CLI: `delete --force` removes a running container', async (t) => {
    const c = await createWaiter(t);
    await startWaiter(t, c);
    const d = await t.rt.delete(c.id, true);
    t.assert(d.code === 0, `delete --force failed: ${describeFailure(d)}`);
    const gone = await waitFor(() => !processAlive(c.pid, c.startTime), 5000);
    t.assert(gone, 'the container process survived delete --force');
    const { res } = await t.rt.state(c.id);
    t.assert(res.code !== 0, 'state still answers after delete --force');
  }),
];
