// config-linux.md "Namespaces": new namespaces, joined ones (by path), inherited ones, and the
// errors for a path of the wrong type and for a type listed twice.

import type { Spec } from '../../src/spec/types.js';
import { check, type Check } from '../lib/check.js';
import type { CheckContext } from '../lib/context.js';
import { NS_FILE } from '../lib/host.js';
import { dropNamespace, loose, setNamespace, shArgs } from '../lib/spec.js';
import { withUserNamespace } from './userns.js';
import fs from 'node:fs';

const ALL_TYPES = ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup', 'user', 'time'] as const;

function nsSpec(t: CheckContext, type: string): Spec {
  const spec = t.spec();
  if (type === 'user') withUserNamespace(spec);
  else setNamespace(spec, type);
  return spec;
}

function newNamespaceCheck(type: (typeof ALL_TYPES)[number]): Check {
  return check(`namespaces.new-${type}`, `a ${type} entry without path gives the container a new ${type} namespace`, async (t) => {
    const file = NS_FILE[type];
    if (!t.env.hostNs[file]) t.skip(`this kernel has no ${type} namespaces`);
    const r = await t.probe(nsSpec(t, type));
    const inside = r.get(`ns.${file}`);
    t.assert(inside && !inside.startsWith('errno'), `could not read /proc/self/ns/${file} inside: ${inside}`);
    t.assert(inside !== t.env.hostNs[file], `the container shares the runtime's ${type} namespace (${inside})`);
    if (type === 'pid') t.equal(r.get('pid'), '1', 'pid of the container process in its new pid namespace');
  });
}

/**
 * Joins namespaces held by nshold and checks the container sees exactly those. A joined user
 * namespace already has its maps; `userMaps` says whether config.json repeats them (as
 * engines do) or leaves uidMappings/gidMappings out.
 */
function joinCheck(types: (typeof ALL_TYPES)[number][], userMaps: 'repeated' | 'omitted' = 'repeated'): Check {
  const name = types.join('-') + (types.includes('user') && userMaps === 'omitted' ? '-unmapped' : '');
  const how = types.includes('user') ? (userMaps === 'repeated' ? ' (config repeats its id maps)' : ' (config has no id maps)') : '';
  return check(`namespaces.join-${name}`, `a ${types.join('/')} entry with a path puts the container into that namespace${how}`, async (t) => {
    for (const type of types) if (!t.env.hostNs[NS_FILE[type]]) t.skip(`this kernel has no ${type} namespaces`);
    const user = types.includes('user');
    const holder = await t.holdNamespaces(types.map((ty) => NS_FILE[ty]), user ? { uid: '0 100000 65536', gid: '0 100000 65536' } : undefined);
    const spec = t.spec();
    if (user && userMaps === 'repeated') withUserNamespace(spec);
    for (const type of types) setNamespace(spec, type, `/proc/${holder}/ns/${NS_FILE[type]}`);
    if (types.includes('uts')) delete spec.hostname;
    const r = await t.probe(spec);
    for (const type of types) {
      const want = fs.readlinkSync(`/proc/${holder}/ns/${NS_FILE[type]}`);
      t.equal(r.get(`ns.${NS_FILE[type]}`), want, `${type} namespace of the container`);
    }
    if (types.includes('pid')) t.assert(r.get('pid') !== '1', 'the container process is pid 1, so it is not in the joined pid namespace (whose pid 1 is the holder)');
  });
}

export const namespaceChecks: Check[] = [
  ...ALL_TYPES.map(newNamespaceCheck),

  check('namespaces.inherit', 'types left out of namespaces are shared with the runtime (pid, network, ipc, uts, cgroup, user)', async (t) => {
    const spec = t.spec();
    for (const type of ['pid', 'network', 'ipc', 'uts', 'cgroup', 'user', 'time']) dropNamespace(spec, type);
    delete spec.hostname; // setting it would rename the host
    const r = await t.probe(spec);
    for (const file of ['pid', 'net', 'ipc', 'uts', 'cgroup', 'user', 'time'] as const) {
      if (!t.env.hostNs[file]) continue;
      t.equal(r.get(`ns.${file}`), t.env.hostNs[file], `${file} namespace of the container`);
    }
  }),

  check('namespaces.inherit-mount', 'without a mount entry the container shares the runtime mount namespace', async (t) => {
    if (t.env.runtime.privateMountNs) t.skip('this runtime runs inside a private mount namespace made by the suite (crun wrapper), so the runtime mount namespace is not the host one');
    const spec = t.spec();
    dropNamespace(spec, 'mount');
    const c = await t.create(spec);
    const mnt = fs.readlinkSync(`/proc/${c.pid}/ns/mnt`);
    t.equal(mnt, t.env.hostNs.mnt, 'mount namespace of the container');
  }),

  joinCheck(['network', 'ipc', 'uts']),
  joinCheck(['pid']),
  joinCheck(['mount']),
  joinCheck(['cgroup']),
  joinCheck(['user']),
  joinCheck(['user'], 'omitted'),
  joinCheck(['time']),

  check('namespaces.path-wrong-type', 'create fails when a namespace path is a namespace of another type', async (t) => {
    const holder = await t.holdNamespaces(['uts']);
    const spec = t.spec();
    setNamespace(spec, 'network', `/proc/${holder}/ns/uts`);
    await t.createFails(spec);
  }),

  check('namespaces.path-not-namespace', 'create fails when a namespace path is not a namespace file', async (t) => {
    const spec = t.spec();
    const file = `${t.dir}/not-a-namespace`;
    fs.writeFileSync(file, '');
    setNamespace(spec, 'network', file);
    await t.createFails(spec);
  }),

  check('namespaces.duplicate-type', 'create fails when a namespace type is listed twice', async (t) => {
    const spec = t.spec();
    loose(spec).linux.namespaces.push({ type: 'network' });
    await t.createFails(spec);
  }),

  check('namespaces.time-offsets', 'timeOffsets set the clock offsets of a new time namespace', async (t) => {
    if (!t.env.hostNs.time) t.skip('this kernel has no time namespaces');
    const spec = t.spec();
    setNamespace(spec, 'time');
    spec.linux!.timeOffsets = { monotonic: { secs: 86400, nanosecs: 0 }, boottime: { secs: 172800, nanosecs: 0 } };
    spec.process!.args = shArgs('cat /proc/self/timens_offsets');
    const f = await t.run(spec);
    const lines = f.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    t.assert(lines.some((l) => /^(monotonic|1) 86400 0$/.test(l)), `monotonic offset not applied: ${JSON.stringify(lines)}`);
    t.assert(lines.some((l) => /^(boottime|7) 172800 0$/.test(l)), `boottime offset not applied: ${JSON.stringify(lines)}`);
  }),
];
