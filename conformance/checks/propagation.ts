// Mount propagation: the shared/slave/private/unbindable options on bind mounts (and their
// recursive r* forms), and linux.rootfsPropagation for the root mount. The sources are
// shared tmpfs mounts the suite makes on the host, so "slave" has a master to follow.

import fs from 'node:fs';
import path from 'node:path';
import { check, type Check } from '../lib/check.js';
import type { CheckContext } from '../lib/context.js';
import { waitFor } from '../lib/exec.js';
import { parseMountinfo, propagationOf, topMountAt, type MountEntry } from '../lib/mountinfo.js';
import { shArgs } from '../lib/spec.js';
import { mountsSeenBy } from './mounts.js';

const DEST = '/conf-prop';

type Kind = 'shared' | 'slave' | 'private' | 'unbindable';

function matches(e: MountEntry, kind: Kind): boolean {
  const p = propagationOf(e);
  return kind === 'shared' ? p === 'shared' || p === 'shared+slave' : p === kind;
}

/** A shared host tmpfs with a (shared) submount `sub`. */
async function sharedSource(t: CheckContext): Promise<string> {
  const src = path.join(t.dir, 'psrc');
  fs.mkdirSync(src);
  await t.hostMount('tmpfs', src);
  await t.hostMount('shared', src);
  fs.mkdirSync(path.join(src, 'sub'));
  fs.mkdirSync(path.join(src, 'late'));
  await t.hostMount('tmpfs', path.join(src, 'sub'));
  return src;
}

function optionCheck(option: string, kind: Kind): Check {
  const recursive = option.startsWith('r');
  return check(`mounts.option.${option}`, `${option} makes a bind mount ${kind}${recursive ? ', and every mount below it' : ''}`, async (t) => {
    const src = await sharedSource(t);
    const spec = t.spec();
    spec.mounts!.push({ destination: DEST, type: 'bind', source: src, options: ['rbind', option] });
    const entries = await mountsSeenBy(t, spec);
    for (const where of recursive ? [DEST, `${DEST}/sub`] : [DEST]) {
      const e = topMountAt(entries, where);
      if (!e) t.fail(`nothing mounted at ${where}`);
      else t.assert(matches(e, kind), `${where} is ${propagationOf(e)} (${e.optional.join(' ') || 'no tags'}), expected ${kind}`);
    }
  });
}

/** Does a mount the host makes after start show up inside the container? */
async function hostMountArrives(t: CheckContext, option: string): Promise<boolean> {
  const src = await sharedSource(t);
  const spec = t.spec();
  spec.mounts!.push({ destination: DEST, type: 'bind', source: src, options: ['rbind', option] });
  spec.process!.args = shArgs('touch /out/up; while [ ! -e /out/go ]; do sleep 0.05; done; cat /proc/self/mountinfo');
  const c = await t.create(spec);
  await t.start(c);
  const up = await waitFor(() => fs.existsSync(path.join(c.bundle.out, 'up')), 5000);
  t.assert(up, 'the container process did not start');
  await t.hostMount('tmpfs', path.join(src, 'late'));
  fs.writeFileSync(path.join(c.bundle.out, 'go'), '');
  await t.waitStopped(c);
  await t.deleteOk(c);
  const entries = parseMountinfo(fs.readFileSync(c.create.stdoutFile, 'utf8'));
  t.assert(entries.length > 0, 'no mountinfo from the container');
  return !!topMountAt(entries, `${DEST}/late`);
}

/** The rootfs on a shared host tmpfs, so rootfsPropagation has a peer group to work with. */
async function sharedRootfs(t: CheckContext): Promise<string> {
  const base = path.join(t.dir, 'proot');
  fs.mkdirSync(base);
  fs.chmodSync(base, 0o755);
  await t.hostMount('tmpfs', base);
  await t.hostMount('shared', base);
  const rootfs = path.join(base, 'rootfs');
  fs.cpSync(t.env.rootfsBase, rootfs, { recursive: true, verbatimSymlinks: true });
  fs.mkdirSync(path.join(rootfs, 'late'));
  return rootfs;
}

function rootfsPropagationCheck(kind: Kind): Check {
  return check(`rootfs.propagation-${kind}`, `rootfsPropagation ${kind} makes the root mount ${kind}`, async (t) => {
    const rootfs = await sharedRootfs(t);
    const spec = t.spec();
    spec.linux!.rootfsPropagation = kind;
    const entries = await mountsSeenBy(t, spec, '', { rootfs: { path: rootfs } });
    const root = topMountAt(entries, '/');
    if (!root) t.fail('no mount at / inside the container');
    else t.assert(matches(root, kind), `/ is ${propagationOf(root)} (${root.optional.join(' ') || 'no tags'}), expected ${kind}`);
  });
}

export const propagationChecks: Check[] = [
  optionCheck('shared', 'shared'),
  optionCheck('slave', 'slave'),
  optionCheck('private', 'private'),
  optionCheck('unbindable', 'unbindable'),
  optionCheck('rshared', 'shared'),
  optionCheck('rslave', 'slave'),
  optionCheck('rprivate', 'private'),
  optionCheck('runbindable', 'unbindable'),

  check('mounts.propagation-slave-receives', 'a host mount made under an rslave bind source after start appears in the container', async (t) => {
    t.assert(await hostMountArrives(t, 'rslave'), 'the host mount did not propagate into the container');
  }),

  check('mounts.propagation-private-isolated', 'a host mount made under an rprivate bind source after start does not appear in the container', async (t) => {
    t.assert(!(await hostMountArrives(t, 'rprivate')), 'the host mount propagated into a private mount');
  }),

  rootfsPropagationCheck('shared'),
  rootfsPropagationCheck('slave'),
  rootfsPropagationCheck('private'),
  rootfsPropagationCheck('unbindable'),

  check('rootfs.propagation-slave-receives', 'with rootfsPropagation slave, a host mount under the rootfs after start appears inside', async (t) => {
    const rootfs = await sharedRootfs(t);
    const spec = t.spec();
    spec.linux!.rootfsPropagation = 'slave';
    spec.process!.args = shArgs('touch /out/up; while [ ! -e /out/go ]; do sleep 0.05; done; cat /proc/self/mountinfo');
    const c = await t.create(spec, { rootfs: { path: rootfs } });
    await t.start(c);
    t.assert(await waitFor(() => fs.existsSync(path.join(c.bundle.out, 'up')), 5000), 'the container process did not start');
    await t.hostMount('tmpfs', path.join(rootfs, 'late'));
    fs.writeFileSync(path.join(c.bundle.out, 'go'), '');
    await t.waitStopped(c);
    const entries = parseMountinfo(fs.readFileSync(c.create.stdoutFile, 'utf8'));
    t.assert(topMountAt(entries, '/late'), 'the host mount did not reach the container');
  }),
];
