// config-linux.md "Devices" and "Default Devices", runtime-linux.md "Dev symbolic links",
// and the terminal: /dev/console and the pty handed over --console-socket.

import fs from 'node:fs';
import type { Device } from '../../src/spec/types.js';
import { check, type Check } from '../lib/check.js';
import type { CheckContext } from '../lib/context.js';
import { ProbeReport } from '../lib/report.js';
import { describeFailure } from '../lib/runtime.js';
import { PROBE } from '../lib/spec.js';

interface Want {
  type: string;
  major?: number;
  minor?: number;
  mode?: number;
  uid?: number;
  gid?: number;
}

function expectStat(t: CheckContext, r: ProbeReport, p: string, want: Want): void {
  const st = r.pathResult('stat', p);
  if (!st) t.fail(`no stat result for ${p}`);
  else if (st.errno) t.fail(`${p} does not exist in the container (errno ${st.errno})`);
  else {
    t.equal(st.type, want.type, `type of ${p}`);
    if (want.major !== undefined) t.equal(`${st.major}:${st.minor}`, `${want.major}:${want.minor}`, `device numbers of ${p}`);
    if (want.mode !== undefined) t.equal(st.mode, want.mode.toString(8).padStart(4, '0'), `mode of ${p}`);
    if (want.uid !== undefined) t.equal(Number(st.uid), want.uid, `owner of ${p}`);
    if (want.gid !== undefined) t.equal(Number(st.gid), want.gid, `group of ${p}`);
  }
}

function deviceCheck(id: string, title: string, dev: Device, want: Want): Check {
  return check(id, title, async (t) => {
    const spec = t.spec();
    spec.linux!.devices = [dev];
    spec.process!.args = [PROBE, 'stat', dev.path];
    const f = await t.run(spec);
    expectStat(t, f.report, dev.path, want);
  });
}

const DEFAULT_DEVICES: [string, number, number][] = [
  ['/dev/null', 1, 3],
  ['/dev/zero', 1, 5],
  ['/dev/full', 1, 7],
  ['/dev/random', 1, 8],
  ['/dev/urandom', 1, 9],
  ['/dev/tty', 5, 0],
];

export const deviceChecks: Check[] = [
  deviceCheck('devices.char', 'a char device from linux.devices exists with its numbers, fileMode, uid and gid',
    { path: '/dev/conf-char', type: 'c', major: 1, minor: 3, fileMode: 0o640, uid: 1, gid: 2 },
    { type: 'char', major: 1, minor: 3, mode: 0o640, uid: 1, gid: 2 }),
  deviceCheck('devices.block', 'a block device from linux.devices exists with its numbers and fileMode',
    { path: '/dev/conf-block', type: 'b', major: 7, minor: 200, fileMode: 0o600, uid: 0, gid: 0 },
    { type: 'block', major: 7, minor: 200, mode: 0o600 }),
  deviceCheck('devices.fifo', 'a fifo (type p) from linux.devices exists',
    { path: '/dev/conf-fifo', type: 'p', fileMode: 0o620 },
    { type: 'fifo', mode: 0o620 }),
  deviceCheck('devices.outside-dev', 'a device may live outside /dev',
    { path: '/conf-devices/zero', type: 'c', major: 1, minor: 5, fileMode: 0o666 },
    { type: 'char', major: 1, minor: 5, mode: 0o666 }),

  check('devices.usable', 'a device from linux.devices can be opened and used', async (t) => {
    const spec = t.spec();
    spec.linux!.devices = [{ path: '/dev/conf-zero', type: 'c', major: 1, minor: 5, fileMode: 0o666 }];
    spec.process!.args = [PROBE, 'read', '/dev/conf-zero'];
    const f = await t.run(spec);
    // /dev/zero never ends; the probe stops after 1 MiB.
    t.assert(f.stdout.includes('read /dev/conf-zero ok'), `reading the device failed: ${f.stdout.trim()}`);
  }),

  check('devices.existing-mismatch', 'create fails when a file that is not the requested device is already at its path', async (t) => {
    const spec = t.spec();
    spec.linux!.devices = [{ path: '/conf/existing-file', type: 'c', major: 1, minor: 3 }];
    const id = t.newId();
    const b = await t.bundle(spec, id);
    fs.writeFileSync(`${b.rootfs}/conf/existing-file`, 'not a device');
    const res = await t.rt.create(id, b.dir);
    t.assert(res.code !== 0, 'create succeeded although a regular file sits at the device path');
  }),

  check('devices.defaults', 'the default devices null, zero, full, random, urandom, tty exist with the right numbers', async (t) => {
    const spec = t.spec();
    spec.process!.args = [PROBE, 'stat', ...DEFAULT_DEVICES.map(([p]) => p)];
    const f = await t.run(spec);
    for (const [p, major, minor] of DEFAULT_DEVICES) expectStat(t, f.report, p, { type: 'char', major, minor });
  }),

  check('devices.defaults-usable', 'the default devices work: /dev/null and /dev/zero read and write, /dev/full gives ENOSPC', async (t) => {
    const spec = t.spec();
    spec.process!.args = [PROBE, 'write', '/dev/null', '--', 'read', '/dev/zero', '--', 'read', '/dev/urandom', '--', 'write', '/dev/full'];
    const f = await t.run(spec);
    t.assert(f.stdout.includes('write /dev/null ok'), `writing /dev/null: ${f.stdout.trim()}`);
    t.assert(f.stdout.includes('read /dev/zero ok'), `reading /dev/zero: ${f.stdout.trim()}`);
    t.assert(f.stdout.includes('read /dev/urandom ok'), `reading /dev/urandom: ${f.stdout.trim()}`);
    t.assert(f.stdout.includes('write /dev/full errno=28'), `writing /dev/full should fail with ENOSPC: ${f.stdout.trim()}`);
  }),

  check('devices.ptmx', '/dev/ptmx is a symlink to (or a bind of) the container devpts ptmx', async (t) => {
    const spec = t.spec();
    spec.process!.args = [PROBE, 'stat', '/dev/ptmx', '/dev/pts/ptmx'];
    const f = await t.run(spec);
    const ptmx = f.report.pathResult('stat', '/dev/ptmx');
    const pts = f.report.pathResult('stat', '/dev/pts/ptmx');
    t.assert(ptmx && !ptmx.errno, '/dev/ptmx does not exist');
    t.assert(pts && !pts.errno, '/dev/pts/ptmx does not exist');
    if (ptmx!.type === 'symlink') t.assert(['pts/ptmx', '/dev/pts/ptmx'].includes(ptmx!.link), `/dev/ptmx points to ${ptmx!.link}`);
    else t.assert(ptmx!.dev === pts!.dev && ptmx!.ino === pts!.ino, `/dev/ptmx (${ptmx!.dev} ${ptmx!.ino}) is not the devpts ptmx (${pts!.dev} ${pts!.ino})`);
  }),

  check('devices.dev-symlinks', '/dev/fd, /dev/stdin, /dev/stdout, /dev/stderr link to /proc/self/fd', async (t) => {
    const spec = t.spec();
    spec.process!.args = [PROBE, 'stat', '/dev/fd', '/dev/stdin', '/dev/stdout', '/dev/stderr'];
    const f = await t.run(spec);
    const want: Record<string, string> = { '/dev/fd': '/proc/self/fd', '/dev/stdin': '/proc/self/fd/0', '/dev/stdout': '/proc/self/fd/1', '/dev/stderr': '/proc/self/fd/2' };
    for (const [p, target] of Object.entries(want)) {
      const st = f.report.pathResult('stat', p);
      t.assert(st && st.type === 'symlink', `${p} is not a symlink (${st?.type ?? st?.errno})`);
      t.equal(st!.link, target, `target of ${p}`);
    }
  }),

  check('process.terminal', 'terminal: the pty reaches --console-socket, is the process stdio and /dev/console, with consoleSize', async (t) => {
    const recv = await t.receiveFds('console');
    const spec = t.spec();
    spec.process!.terminal = true;
    spec.process!.consoleSize = { height: 33, width: 111 };
    spec.process!.args = [PROBE, 'report', '--', 'stat', '-L', '/dev/console', '/proc/self/fd/0'];
    const c = await t.create(spec, { createArgs: ['--console-socket', recv.socket] });
    await t.start(c);
    await t.waitStopped(c);
    await Promise.race([recv.done, new Promise((r) => setTimeout(r, 3000))]);
    const meta = fs.existsSync(recv.meta) ? fs.readFileSync(recv.meta, 'utf8') : '';
    t.assert(/fds=1/.test(meta), `the runtime did not send one descriptor over the console socket: ${meta.trim() || 'nothing received'}`);
    const data = fs.existsSync(recv.data) ? fs.readFileSync(recv.data, 'utf8').replace(/\r/g, '') : '';
    const r = new ProbeReport(data);
    t.assert(r.has('pid'), `nothing came out of the pty: ${data.slice(0, 200)}`);
    for (const fd of ['0', '1', '2']) t.assert(r.get(`tty.${fd}`)?.startsWith('1'), `fd ${fd} is not a terminal`);
    t.equal(r.get('tty.0')?.split(' ')[1], '33x111', 'terminal size (rows x columns)');
    const consoleSt = r.pathResult('stat', '/dev/console');
    const stdinSt = r.pathResult('stat', '/proc/self/fd/0');
    t.assert(consoleSt && !consoleSt.errno, '/dev/console does not exist');
    t.assert(consoleSt!.type === 'char' && `${consoleSt!.major}:${consoleSt!.minor}` === `${stdinSt?.major}:${stdinSt?.minor}`,
      `/dev/console (${consoleSt!.type} ${consoleSt!.major}:${consoleSt!.minor}) is not the container's pty (${stdinSt?.major}:${stdinSt?.minor})`);
  }),

  check('process.console-size-ignored', 'consoleSize is ignored when terminal is false (no error, no terminal)', async (t) => {
    const spec = t.spec();
    spec.process!.terminal = false;
    spec.process!.consoleSize = { height: 10, width: 10 };
    const c = await t.create(spec);
    const s = await t.rt.start(c.id);
    t.assert(s.code === 0, `start failed: ${describeFailure(s)}`);
    await t.waitStopped(c);
    const r = new ProbeReport(fs.readFileSync(c.create.stdoutFile, 'utf8'));
    t.equal(r.get('tty.1'), '0', 'stdout is a terminal');
  }),
];
