// config.md "Mounts" and "Linux mount options": order, destinations, bind sources, every
// option string the spec lists, fs-specific data, and idmapped mounts. Each check reads
// /proc/self/mountinfo from inside the container.

import fs from 'node:fs';
import path from 'node:path';
import type { Mount, Spec } from '../../src/spec/types.js';
import { check, type Check } from '../lib/check.js';
import type { BundleOptions, CheckContext, Finished } from '../lib/context.js';
import { parseMountinfo, topMountAt, type MountEntry } from '../lib/mountinfo.js';
import { shArgs } from '../lib/spec.js';
import { withUserNamespace } from './userns.js';

const TEST_DIR = '/conf-mnt';

/** Runs `spec` with the process dumping its mountinfo; returns the parsed table. */
export async function mountsSeenBy(t: CheckContext, spec: Spec, before = '', opts: BundleOptions = {}): Promise<MountEntry[]> {
  return (await mountsAndRun(t, spec, before, opts)).entries;
}

export async function mountsAndRun(t: CheckContext, spec: Spec, before = '', opts: BundleOptions = {}): Promise<{ entries: MountEntry[]; f: Finished }> {
  spec.process!.args = shArgs(`${before}cat /proc/self/mountinfo`);
  const f = await t.run(spec, opts);
  const entries = parseMountinfo(f.stdout);
  if (entries.length === 0) t.fail(`no mountinfo from inside the container: ${f.stderr.trim().slice(0, 200)}`);
  return { entries, f };
}

function mountedAt(t: CheckContext, entries: MountEntry[], where: string): MountEntry {
  const e = topMountAt(entries, where);
  if (!e) t.fail(`nothing is mounted at ${where}`);
  return e;
}

/** Flags the kernel shows per mount; everything else (sync, lazytime, data) is per superblock. */
const PER_MOUNT = new Set(['ro', 'rw', 'nosuid', 'nodev', 'noexec', 'noatime', 'nodiratime', 'relatime', 'nosymfollow']);

function has(e: MountEntry, opt: string): boolean {
  return PER_MOUNT.has(opt) ? e.options.includes(opt) : e.superOptions.includes(opt);
}

type Expectation = (e: MountEntry) => string | undefined;
const present = (...opts: string[]): Expectation => (e) => {
  const missing = opts.filter((o) => !has(e, o));
  return missing.length ? `${missing.join(', ')} not in the mount options (${e.options.join(',')} / ${e.superOptions.join(',')})` : undefined;
};
const absent = (...opts: string[]): Expectation => (e) => {
  const found = opts.filter((o) => has(e, o));
  return found.length ? `${found.join(', ')} still in the mount options (${e.options.join(',')} / ${e.superOptions.join(',')})` : undefined;
};
const all = (...xs: Expectation[]): Expectation => (e) => xs.map((x) => x(e)).find(Boolean);
const accepted: Expectation = () => undefined;

/** A tmpfs at TEST_DIR with `options`; the visible mount must satisfy `expect`. */
function optionCheck(option: string, title: string, options: string[], expect: Expectation): Check {
  return check(`mounts.option.${option}`, title, async (t) => {
    const spec = t.spec();
    spec.mounts!.push({ destination: TEST_DIR, type: 'tmpfs', source: 'tmpfs', options });
    const e = mountedAt(t, await mountsSeenBy(t, spec), TEST_DIR);
    const problem = expect(e);
    if (problem) t.fail(`options ${JSON.stringify(options)}: ${problem}`);
  });
}

/**
 * A host directory with a submount, rbound with `options`: both the mount and its submount
 * must satisfy `expect`. `subFlags` are set on the host submount first (for the clearing
 * variants such as rsuid, the submount must start out nosuid).
 */
function recursiveCheck(option: string, subFlags: string, expect: Expectation): Check {
  const what = option.slice(1);
  return check(`mounts.option.${option}`, `${option} applies ${what} to a bind mount and every mount below it`, async (t) => {
    const src = path.join(t.dir, 'rsrc');
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    await t.hostMount('tmpfs', path.join(src, 'sub'), subFlags);
    const spec = t.spec();
    spec.mounts!.push({ destination: TEST_DIR, type: 'bind', source: src, options: ['rbind', option] });
    const entries = await mountsSeenBy(t, spec);
    for (const where of [TEST_DIR, `${TEST_DIR}/sub`]) {
      const problem = expect(mountedAt(t, entries, where));
      if (problem) t.fail(`${where}: ${problem}`);
    }
  });
}

const MUST_OPTIONS: Check[] = [
  optionCheck('ro', 'ro mounts read-only', ['ro'], present('ro')),
  optionCheck('rw', 'rw (after ro) mounts read-write', ['ro', 'rw'], all(present('rw'), absent('ro'))),
  optionCheck('nosuid', 'nosuid sets nosuid', ['nosuid'], present('nosuid')),
  optionCheck('suid', 'suid (after nosuid) clears nosuid', ['nosuid', 'suid'], absent('nosuid')),
  optionCheck('nodev', 'nodev sets nodev', ['nodev'], present('nodev')),
  optionCheck('dev', 'dev (after nodev) clears nodev', ['nodev', 'dev'], absent('nodev')),
  optionCheck('noexec', 'noexec sets noexec', ['noexec'], present('noexec')),
  optionCheck('exec', 'exec (after noexec) clears noexec', ['noexec', 'exec'], absent('noexec')),
  optionCheck('sync', 'sync makes the mount synchronous', ['sync'], present('sync')),
  optionCheck('async', 'async (after sync) clears sync', ['sync', 'async'], absent('sync')),
  optionCheck('dirsync', 'dirsync makes directory updates synchronous', ['dirsync'], present('dirsync')),
  optionCheck('noatime', 'noatime sets noatime', ['noatime'], present('noatime')),
  optionCheck('atime', 'atime (after noatime) clears noatime', ['noatime', 'atime'], absent('noatime')),
  optionCheck('nodiratime', 'nodiratime sets nodiratime', ['nodiratime'], present('nodiratime')),
  optionCheck('diratime', 'diratime (after nodiratime) clears nodiratime', ['nodiratime', 'diratime'], absent('nodiratime')),
  optionCheck('relatime', 'relatime gives relative atime updates', ['relatime'], all(present('relatime'), absent('noatime'))),
  optionCheck('norelatime', 'norelatime is accepted (the kernel applies relatime unless strictatime or noatime)', ['norelatime'], accepted),
  optionCheck('strictatime', 'strictatime gives strict atime updates', ['strictatime'], absent('relatime', 'noatime')),
  optionCheck('nostrictatime', 'nostrictatime (after strictatime) returns to relatime', ['strictatime', 'nostrictatime'], present('relatime')),
  optionCheck('lazytime', 'lazytime sets lazytime', ['lazytime'], present('lazytime')),
  optionCheck('nolazytime', 'nolazytime (after lazytime) clears lazytime', ['lazytime', 'nolazytime'], absent('lazytime')),
  optionCheck('defaults', 'defaults gives a plain read-write mount', ['defaults'], all(present('rw'), absent('ro', 'nosuid', 'nodev', 'noexec'))),
  optionCheck('iversion', 'iversion is accepted as a mount flag (not passed to the filesystem as data)', ['iversion'], accepted),
  optionCheck('noiversion', 'noiversion is accepted as a mount flag', ['noiversion'], accepted),
  optionCheck('silent', 'silent is accepted as a mount flag', ['silent'], accepted),
  optionCheck('loud', 'loud is accepted as a mount flag', ['silent', 'loud'], accepted),
];

const SHOULD_OPTIONS: Check[] = [
  optionCheck('nosymfollow', 'nosymfollow sets nosymfollow', ['nosymfollow'], present('nosymfollow')),
  optionCheck('symfollow', 'symfollow (after nosymfollow) clears nosymfollow', ['nosymfollow', 'symfollow'], absent('nosymfollow')),
  recursiveCheck('rro', '', present('ro')),
  recursiveCheck('rrw', 'ro', all(present('rw'), absent('ro'))),
  recursiveCheck('rnosuid', '', present('nosuid')),
  recursiveCheck('rsuid', 'nosuid', absent('nosuid')),
  recursiveCheck('rnodev', '', present('nodev')),
  recursiveCheck('rdev', 'nodev', absent('nodev')),
  recursiveCheck('rnoexec', '', present('noexec')),
  recursiveCheck('rexec', 'noexec', absent('noexec')),
  recursiveCheck('rnoatime', '', present('noatime')),
  recursiveCheck('ratime', 'noatime', absent('noatime')),
  recursiveCheck('rnodiratime', '', present('nodiratime')),
  recursiveCheck('rdiratime', 'nodiratime', absent('nodiratime')),
  recursiveCheck('rrelatime', 'noatime', all(present('relatime'), absent('noatime'))),
  recursiveCheck('rnorelatime', '', accepted),
  recursiveCheck('rstrictatime', 'noatime', absent('relatime', 'noatime')),
  recursiveCheck('rnostrictatime', 'strictatime', present('relatime')),
  recursiveCheck('rnosymfollow', '', present('nosymfollow')),
  recursiveCheck('rsymfollow', 'nosymfollow', absent('nosymfollow')),
];

/** A host directory holding a file owned by 0:0 for idmapped-mount checks. */
function idmapSource(t: CheckContext, withSub: boolean): string {
  const src = path.join(t.dir, 'idsrc');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, 'owned'), 'x');
  if (withSub) fs.mkdirSync(path.join(src, 'sub'));
  return src;
}

const CONTAINER_MAP = [{ containerID: 0, hostID: 100000, size: 65536 }];

export const mountChecks: Check[] = [
  check('mounts.order', 'mounts are made in the listed order (a later mount covers an earlier one at the same place)', async (t) => {
    const spec = t.spec();
    spec.mounts!.push(
      { destination: TEST_DIR, type: 'tmpfs', source: 'first', options: ['size=1m'] },
      { destination: `${TEST_DIR}/inner`, type: 'tmpfs', source: 'inner', options: ['size=3m'] },
      { destination: TEST_DIR, type: 'tmpfs', source: 'second', options: ['size=2m'] },
    );
    const entries = await mountsSeenBy(t, spec);
    const stack = entries.filter((e) => e.mountPoint === TEST_DIR);
    t.equal(stack.map((e) => e.source).join(','), 'first,second', `mounts at ${TEST_DIR}, bottom to top`);
    const inner = entries.find((e) => e.mountPoint === `${TEST_DIR}/inner`);
    t.assert(inner && inner.parent === stack[0].id, `${TEST_DIR}/inner is not mounted on the first ${TEST_DIR} tmpfs`);
  }),

  check('mounts.default-filesystems', '/proc, /sys, /dev/pts and /dev/shm are there with their filesystem types', async (t) => {
    const entries = await mountsSeenBy(t, t.spec());
    const want: Record<string, string> = { '/proc': 'proc', '/sys': 'sysfs', '/dev/pts': 'devpts', '/dev/shm': 'tmpfs' };
    for (const [where, type] of Object.entries(want)) t.equal(mountedAt(t, entries, where).fsType, type, `filesystem at ${where}`);
  }),

  check('mounts.relative-destination', 'a relative destination is taken relative to /', async (t) => {
    const spec = t.spec();
    spec.mounts!.push({ destination: 'conf-relative', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
    mountedAt(t, await mountsSeenBy(t, spec), '/conf-relative');
  }),

  check('mounts.bind', 'bind mounts a host directory (without its submounts)', async (t) => {
    const src = path.join(t.dir, 'bsrc');
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(src, 'file'), 'bound');
    await t.hostMount('tmpfs', path.join(src, 'sub'));
    fs.writeFileSync(path.join(src, 'sub', 'in-submount'), 'x');
    const spec = t.spec();
    spec.mounts!.push({ destination: TEST_DIR, type: 'bind', source: src, options: ['bind'] });
    const { entries, f } = await mountsAndRun(t, spec, `cat ${TEST_DIR}/file > /out/file; `);
    mountedAt(t, entries, TEST_DIR);
    t.equal(fs.readFileSync(path.join(f.bundle.out, 'file'), 'utf8'), 'bound', 'content of the bound file');
    t.assert(!topMountAt(entries, `${TEST_DIR}/sub`), 'the submount came along: bind must not be recursive');
  }),

  check('mounts.rbind', 'rbind mounts a host directory with its submounts', async (t) => {
    const src = path.join(t.dir, 'rsrc');
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    await t.hostMount('tmpfs', path.join(src, 'sub'));
    const spec = t.spec();
    spec.mounts!.push({ destination: TEST_DIR, type: 'bind', source: src, options: ['rbind'] });
    const entries = await mountsSeenBy(t, spec);
    mountedAt(t, entries, TEST_DIR);
    mountedAt(t, entries, `${TEST_DIR}/sub`);
  }),

  check('mounts.bind-relative-source', 'a relative bind source is taken relative to the bundle', async (t) => {
    const spec = t.spec();
    spec.mounts!.push({ destination: TEST_DIR, type: 'bind', source: 'relsrc', options: ['bind'] });
    const id = t.newId();
    const b = await t.bundle(spec, id);
    fs.mkdirSync(path.join(b.dir, 'relsrc'));
    fs.writeFileSync(path.join(b.dir, 'relsrc', 'marker'), 'relative');
    b.config.process!.args = shArgs(`cat ${TEST_DIR}/marker`);
    t.writeConfig(b, b.config);
    const c = await t.createBundle(b);
    await t.start(c);
    await t.waitStopped(c);
    t.equal(fs.readFileSync(c.create.stdoutFile, 'utf8').trim(), 'relative', `content of ${TEST_DIR}/marker`);
  }),

  check('mounts.bind-file', 'bind mounts a single host file onto a file', async (t) => {
    const src = path.join(t.dir, 'single-file');
    fs.writeFileSync(src, 'one file');
    const spec = t.spec();
    spec.mounts!.push({ destination: '/conf-file', type: 'bind', source: src, options: ['bind', 'ro'] });
    spec.process!.args = shArgs('cat /conf-file');
    const f = await t.run(spec);
    t.equal(f.stdout.trim(), 'one file', 'content of /conf-file');
  }),

  check('mounts.bind-ro', 'ro on a bind mount makes it read-only (writes fail with EROFS)', async (t) => {
    const src = path.join(t.dir, 'rosrc');
    fs.mkdirSync(src);
    fs.chmodSync(src, 0o777);
    const spec = t.spec();
    spec.mounts!.push({ destination: TEST_DIR, type: 'bind', source: src, options: ['rbind', 'ro'] });
    const entries = await mountsSeenBy(t, spec, `/conf/probe write ${TEST_DIR}/x > /out/w; `);
    const e = mountedAt(t, entries, TEST_DIR);
    t.assert(has(e, 'ro'), `the bind mount is not read-only: ${e.options.join(',')}`);
    t.assert(!fs.existsSync(path.join(src, 'x')), 'a write through the read-only bind mount reached the host');
  }),

  check('mounts.remount', 'remount changes the flags of the mount already at the destination', async (t) => {
    const spec = t.spec();
    spec.mounts!.push(
      { destination: TEST_DIR, type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] },
      { destination: TEST_DIR, type: 'tmpfs', source: 'tmpfs', options: ['remount', 'ro', 'size=1m'] },
    );
    const entries = await mountsSeenBy(t, spec);
    const stack = entries.filter((e) => e.mountPoint === TEST_DIR);
    t.equal(stack.length, 1, `number of mounts at ${TEST_DIR} (remount must not stack a new one)`);
    t.assert(has(stack[0], 'ro'), `the remounted tmpfs is not read-only: ${stack[0].options.join(',')}`);
  }),

  check('mounts.fs-data', 'options the runtime does not know are passed to the filesystem as data (size=, mode=, nr_inodes=)', async (t) => {
    const spec = t.spec();
    spec.mounts!.push({ destination: TEST_DIR, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'size=1m', 'mode=0711', 'nr_inodes=1000'] });
    const e = mountedAt(t, await mountsSeenBy(t, spec), TEST_DIR);
    for (const want of ['size=1024k', 'mode=711', 'nr_inodes=1000']) t.assert(e.superOptions.includes(want), `${want} not among the filesystem options: ${e.superOptions.join(',')}`);
    t.assert(e.options.includes('nosuid'), 'nosuid was lost among the data options');
  }),

  ...MUST_OPTIONS,
  ...SHOULD_OPTIONS,

  check('mounts.idmap', 'idmap with uidMappings/gidMappings shows files through the given mapping', async (t) => {
    const src = idmapSource(t, false);
    const spec = withUserNamespace(t.spec());
    const m: Mount = { destination: TEST_DIR, type: 'bind', source: src, options: ['bind', 'idmap'], uidMappings: CONTAINER_MAP, gidMappings: CONTAINER_MAP };
    spec.mounts!.push(m);
    spec.process!.args = ['/conf/probe', 'stat', `${TEST_DIR}/owned`];
    const f = await t.run(spec);
    const st = f.report.pathResult('stat', `${TEST_DIR}/owned`);
    t.assert(st && !st.errno, `cannot stat the file: ${f.stdout.trim()}`);
    t.equal(`${st!.uid}:${st!.gid}`, '0:0', 'owner of a host root file seen through the idmapped mount');
  }),

  check('mounts.ridmap', 'ridmap idmaps a bind mount and the mounts below it', async (t) => {
    const src = idmapSource(t, true);
    await t.hostMount('tmpfs', path.join(src, 'sub'));
    fs.writeFileSync(path.join(src, 'sub', 'owned'), 'x');
    const spec = withUserNamespace(t.spec());
    spec.mounts!.push({ destination: TEST_DIR, type: 'bind', source: src, options: ['rbind', 'ridmap'], uidMappings: CONTAINER_MAP, gidMappings: CONTAINER_MAP });
    spec.process!.args = ['/conf/probe', 'stat', `${TEST_DIR}/owned`, `${TEST_DIR}/sub/owned`];
    const f = await t.run(spec);
    for (const p of [`${TEST_DIR}/owned`, `${TEST_DIR}/sub/owned`]) {
      const st = f.report.pathResult('stat', p);
      t.assert(st && !st.errno, `cannot stat ${p}: ${f.stdout.trim()}`);
      t.equal(`${st!.uid}:${st!.gid}`, '0:0', `owner of ${p} through the idmapped mount`);
    }
  }),

  check('mounts.idmap-without-mappings', 'idmap without mappings in a container without a user namespace is an error', async (t) => {
    const spec = t.spec();
    spec.mounts!.push({ destination: TEST_DIR, type: 'bind', source: idmapSource(t, false), options: ['bind', 'idmap'] });
    await t.createFails(spec);
  }),

  check('mounts.idmap-needs-both', 'uidMappings on a mount without gidMappings is an error', async (t) => {
    const spec = withUserNamespace(t.spec());
    spec.mounts!.push({ destination: TEST_DIR, type: 'bind', source: idmapSource(t, false), options: ['bind', 'idmap'], uidMappings: CONTAINER_MAP });
    await t.createFails(spec);
  }),
];
