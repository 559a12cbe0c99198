// config-linux.md "Control groups": where the container goes (cgroupsPath), what the
// resources become in the cgroup files, and the rules about errors and ownership.

import fs from 'node:fs';
import path from 'node:path';
import { check, type Check } from '../lib/check.js';
import type { CheckContext } from '../lib/context.js';
import { cgroupPathFor, cgroupsOf } from '../lib/host.js';
import { describeFailure } from '../lib/runtime.js';
import { loose, setNamespace } from '../lib/spec.js';
import { withUserNamespace } from './userns.js';

/** The file `name` of the container's cgroup for `controller`, on v1 or v2. */
function controllerFile(t: CheckContext, cgroupsPath: string, controller: string, v1Name: string, v2Name: string): string {
  const v1 = t.env.cgroups.v1.get(controller);
  if (v1) return path.join(v1, cgroupsPath, v1Name);
  if (t.env.cgroups.unified && t.env.cgroups.unifiedControllers.includes(controller)) return path.join(t.env.cgroups.unified, cgroupsPath, v2Name);
  t.skip(`no ${controller} controller on this host`);
}

function readTrim(file: string): string {
  return fs.readFileSync(file, 'utf8').trim();
}

export const cgroupChecks: Check[] = [
  check('cgroups.path', 'an absolute cgroupsPath places the container at that path below each hierarchy it joins', async (t) => {
    const c = await t.create(t.spec());
    const want = c.bundle.config.linux!.cgroupsPath!;
    const mine = cgroupsOf('self');
    const theirs = cgroupsOf(c.pid);
    let placed = 0;
    for (const [hier, p] of theirs) {
      if (p === mine.get(hier)) continue; // not moved in this hierarchy
      t.equal(p, want, `cgroup of the container in hierarchy "${hier || 'cgroup2'}"`);
      placed++;
    }
    t.assert(placed > 0, `the container is in no cgroup of its own: ${JSON.stringify([...theirs])}`);
    // The directory was made below the mount point, and lists the process.
    for (const [controller, mp] of t.env.cgroups.v1) {
      if (cgroupPathFor(theirs, controller) !== want) continue;
      const procs = readTrim(path.join(mp, want, 'cgroup.procs')).split('\n');
      t.assert(procs.includes(String(c.pid)), `the container pid is not in ${path.join(mp, want, 'cgroup.procs')}`);
    }
  }),

  check('cgroups.path-consistent', 'the same cgroupsPath puts a later container in the same place', async (t) => {
    const fixed = t.cgroupsPathFor(`${t.newId()}-shared`);
    const places: string[] = [];
    for (let i = 0; i < 2; i++) {
      const spec = t.spec();
      spec.linux!.cgroupsPath = fixed;
      const c = await t.create(spec);
      places.push(JSON.stringify([...cgroupsOf(c.pid)].filter(([, p]) => p.includes(fixed))));
      const k = await t.rt.kill(c.id, 'KILL');
      t.assert(k.code === 0, `kill failed: ${describeFailure(k)}`);
      await t.waitStopped(c);
      await t.deleteOk(c);
    }
    t.assert(places[0] !== '[]', 'the first container was not placed at cgroupsPath');
    t.equal(places[1], places[0], 'placement of the second container');
  }),

  check('cgroups.memory-limit', 'resources.memory.limit becomes the memory limit of the cgroup', async (t) => {
    const spec = t.spec();
    spec.linux!.resources = { memory: { limit: 64 * 1024 * 1024 } };
    const c = await t.create(spec);
    const file = controllerFile(t, c.bundle.config.linux!.cgroupsPath!, 'memory', 'memory.limit_in_bytes', 'memory.max');
    t.equal(readTrim(file), String(64 * 1024 * 1024), path.basename(file));
  }),

  check('cgroups.pids-limit', 'resources.pids.limit becomes pids.max', async (t) => {
    const spec = t.spec();
    spec.linux!.resources = { pids: { limit: 42 } };
    const c = await t.create(spec);
    t.equal(readTrim(controllerFile(t, c.bundle.config.linux!.cgroupsPath!, 'pids', 'pids.max', 'pids.max')), '42', 'pids.max');
  }),

  check('cgroups.pids-zero', 'resources.pids.limit 0 is a real limit (pids.max 0), not "unset"', async (t) => {
    const spec = t.spec();
    spec.linux!.resources = { pids: { limit: 0 } };
    const c = await t.create(spec);
    t.equal(readTrim(controllerFile(t, c.bundle.config.linux!.cgroupsPath!, 'pids', 'pids.max', 'pids.max')), '0', 'pids.max');
  }),

  check('cgroups.cpu', 'resources.cpu shares, quota and period reach the cpu controller', async (t) => {
    const spec = t.spec();
    spec.linux!.resources = { cpu: { shares: 512, quota: 50000, period: 100000 } };
    const c = await t.create(spec);
    const cg = c.bundle.config.linux!.cgroupsPath!;
    const v1 = t.env.cgroups.v1.get('cpu');
    if (v1) {
      t.equal(readTrim(path.join(v1, cg, 'cpu.shares')), '512', 'cpu.shares');
      t.equal(readTrim(path.join(v1, cg, 'cpu.cfs_quota_us')), '50000', 'cpu.cfs_quota_us');
      t.equal(readTrim(path.join(v1, cg, 'cpu.cfs_period_us')), '100000', 'cpu.cfs_period_us');
    } else {
      t.equal(readTrim(controllerFile(t, cg, 'cpu', 'cpu.max', 'cpu.max')), '50000 100000', 'cpu.max');
    }
  }),

  check('cgroups.cpuset', 'resources.cpu.cpus and mems reach the cpuset controller', async (t) => {
    const spec = t.spec();
    spec.linux!.resources = { cpu: { cpus: '0', mems: '0' } };
    const c = await t.create(spec);
    const cg = c.bundle.config.linux!.cgroupsPath!;
    t.equal(readTrim(controllerFile(t, cg, 'cpuset', 'cpuset.cpus', 'cpuset.cpus')), '0', 'cpuset.cpus');
    t.equal(readTrim(controllerFile(t, cg, 'cpuset', 'cpuset.mems', 'cpuset.mems')), '0', 'cpuset.mems');
  }),

  check('cgroups.devices-order', 'the device allow list is applied in order (a later deny undoes an earlier allow)', async (t) => {
    const dir = t.env.cgroups.v1.get('devices');
    if (!dir) t.skip('no cgroup v1 devices controller (on cgroup2 the list is an eBPF program the host cannot read back)');
    const rule = 'c 1:11 r';
    const results: boolean[] = [];
    for (const order of ['deny-then-allow', 'allow-then-deny']) {
      const spec = t.spec();
      const deny = { allow: false, access: 'rwm' };
      const allow = { allow: true, type: 'c', major: 1, minor: 11, access: 'r' };
      spec.linux!.resources = { devices: order === 'deny-then-allow' ? [deny, allow] : [allow, deny] };
      const c = await t.create(spec);
      const list = readTrim(path.join(dir!, c.bundle.config.linux!.cgroupsPath!, 'devices.list')).split('\n');
      results.push(list.includes(rule) || list.includes('a *:* rwm'));
    }
    t.assert(results[0], `${rule} is not allowed after [deny all, allow ${rule}]`);
    t.assert(!results[1], `${rule} is still allowed after [allow ${rule}, deny all]`);
  }),

  check('cgroups.unified-unknown-controller', 'a unified key for a controller that is not there is an error', async (t) => {
    const spec = t.spec();
    spec.linux!.resources = { unified: { 'conformance.max': '1' } };
    await t.createFails(spec);
  }),

  check('cgroups.delete-keeps-existing', 'delete does not remove a cgroup that existed before the container', async (t) => {
    const cg = t.cgroupsPathFor(`${t.newId()}-pre`);
    const made: string[] = [];
    for (const mp of new Set(t.env.cgroups.v1.values())) {
      const dir = path.join(mp, cg);
      fs.mkdirSync(dir, { recursive: true });
      made.push(dir);
    }
    if (made.length === 0) t.skip('no cgroup v1 hierarchies to prepare a cgroup in');
    const spec = t.spec();
    spec.linux!.cgroupsPath = cg;
    await t.run(spec);
    const gone = made.filter((d) => !fs.existsSync(d));
    t.assert(gone.length === 0, `delete removed the pre-existing cgroup in ${gone.map((d) => d.split('/')[4]).join(', ')}`);
  }),

  check('cgroups.v1-ownership-unchanged', 'with cgroup v1, a user-namespaced container with a read-write cgroup mount does not get its cgroup chowned', async (t) => {
    if (t.env.cgroups.v1.size === 0) t.skip('no cgroup v1 hierarchies on this host');
    const spec = withUserNamespace(t.spec());
    setNamespace(spec, 'cgroup');
    spec.mounts!.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'rw'] });
    const c = await t.create(spec);
    const cg = c.bundle.config.linux!.cgroupsPath!;
    for (const [controller, mp] of t.env.cgroups.v1) {
      const dir = path.join(mp, cg);
      if (!fs.existsSync(dir)) continue;
      const st = fs.statSync(dir);
      t.assert(st.uid === 0, `the ${controller} cgroup of the container is owned by uid ${st.uid}`);
    }
  }),

  check('cgroups.intelrdt-without-resctrl', 'intelRdt without a mounted resctrl filesystem is an error', async (t) => {
    const mounted = fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(' - resctrl ');
    if (mounted) t.skip('resctrl is mounted on this host');
    const spec = t.spec();
    loose(spec).linux.intelRdt = { closID: 'conformance' };
    await t.createFails(spec);
  }),
];
