// The native addon on its own: real launch plans spawned through the built berth.node, no
// CLI and no state store in between. Runs as root. Every mount a test makes lives in the
// child's private mount namespace and dies with it; every process is waited for.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLONE, MS, S_IF } from '../../src/plan/linux-constants.js';
import { OpCode, type Op } from '../../src/plan/ops.js';
import { native } from '../../src/sys/addon.js';
import type { ExitStatus, SpawnRequest, SyncMessage } from '../../src/sys/native.js';
import { SyncMsg } from '../../src/sys/sync.js';
import { rootfs } from '../helpers/berth.js';

const addon = native();
const O_RDONLY = fs.constants.O_RDONLY;
const O_RDWR = fs.constants.O_RDWR;
const O_CLOEXEC = 0o2000000;
const ENOENT = 2;
const EACCES = 13;
const ECHILD = 10;
const ENODEV = 19;
const ETIMEDOUT = 110;
/** Generous: only a broken child makes a test wait this long. */
const RECV_TIMEOUT_MS = 20_000;

let serial = 0;
const cleanups: (() => void)[] = [];

function tempDir(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-native-${tag}-`));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A file the child's stdout is pointed at with Dup2. */
function outputFile(dir: string): { path: string; fd: number; read(): string } {
  const file = path.join(dir, `out-${serial++}`);
  const fd = fs.openSync(file, 'w');
  cleanups.push(() => fs.closeSync(fd));
  return { path: file, fd, read: () => fs.readFileSync(file, 'utf8') };
}

/** The tail every exec'ing plan needs: host fds closed by execve, stdio made inheritable. */
function execTail(argv: string[], env: string[] = ['PATH=/usr/bin:/bin']): Op[] {
  return [
    { code: OpCode.CloexecFrom, n: [3] },
    { code: OpCode.PrepareStdio, n: [3] },
    { code: OpCode.Exec, n: [argv.length, env.length], s: [...argv, ...env] },
  ];
}

interface Finished {
  messages: SyncMessage[];
  code: number | null;
  signal: number | null;
}

/** Spawns the plan, reads every message until the child's end closes, and waits for it. */
async function runPlan(ops: Op[], cloneFlags = 0): Promise<Finished> {
  const child = addon.spawn({ cloneFlags, cgroupFd: -1, ops });
  const messages: SyncMessage[] = [];
  try {
    for (let m = addon.syncRecv(child.syncFd, RECV_TIMEOUT_MS); m; m = addon.syncRecv(child.syncFd, RECV_TIMEOUT_MS)) {
      messages.push(m);
    }
  } catch (err) {
    process.kill(child.pid, 'SIGKILL');
    throw err;
  } finally {
    addon.close(child.syncFd);
  }
  const status = await addon.waitPid(child.pid);
  return { messages, ...status };
}

function onlyError(f: Finished): SyncMessage {
  assert.is(f.messages.length, 1, `one message expected, got ${JSON.stringify(f.messages.map((m) => m.type))}`);
  const m = f.messages[0]!;
  assert.is(m.type, SyncMsg.Error);
  return m;
}

const privateRoot: Op = { code: OpCode.Mount, n: [MS.REC | MS.PRIVATE, 0, 0, 0], s: ['', '/', '', ''] };

test.after.each(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

// ---------------------------------------------------------------------------------------------
// A whole container-like launch
// ---------------------------------------------------------------------------------------------

for (const how of ['PivotRoot', 'MoveRoot'] as const) {
  test(`new uts+pid+mount namespaces, hostname, ${how} into a busybox rootfs, exec sh`, async () => {
    const rfs = rootfs();
    const out = outputFile(tempDir('pivot'));
    const hostname = os.hostname();
    const f = await runPlan(
      [
        { code: OpCode.ResetSignals },
        { code: OpCode.Dup2, n: [out.fd, 1] },
        privateRoot,
        // pivot_root and MS_MOVE both need the new root to be a mount point.
        { code: OpCode.Mount, n: [MS.BIND | MS.REC, 0, 0, 0], s: [rfs, rfs, '', ''] },
        { code: OpCode.Sethostname, s: ['berth-native'] },
        { code: how === 'PivotRoot' ? OpCode.PivotRoot : OpCode.MoveRoot, s: [rfs] },
        ...execTail(['/bin/sh', '-c', 'hostname; echo $$; pwd; test -x /bin/busybox && echo in-rootfs'], ['PATH=/bin']),
      ],
      CLONE.NEWUTS | CLONE.NEWPID | CLONE.NEWNS,
    );
    assert.equal(f.messages, [], 'no error reported');
    assert.is(f.code, 0);
    assert.is(out.read(), 'berth-native\n1\n/\nin-rootfs\n');
    assert.is(os.hostname(), hostname, 'the host keeps its hostname');
    assert.not.ok(mounts(process.pid).some((m) => m.point === rfs), 'the bind of the rootfs stayed in the child');
  });
}

// ---------------------------------------------------------------------------------------------
// Failure reports
// ---------------------------------------------------------------------------------------------

test('a failing op reports its index, errno and path, and the child exits 1', async () => {
  const f = await runPlan([{ code: OpCode.ResetSignals }, { code: OpCode.Umask, n: [0o22] }, { code: OpCode.Chdir, s: ['/nonexistent-berth'] }]);
  const m = onlyError(f);
  assert.is(m.step, 2);
  assert.is(m.errno, ENOENT);
  assert.is(m.payload.toString(), '/nonexistent-berth');
  assert.is(f.code, 1);
});

test('a mount of an unknown filesystem type reports ENODEV naming the target', async () => {
  const dir = tempDir('mountfail');
  const f = await runPlan([privateRoot, { code: OpCode.Mount, n: [0, 0, 0, 0], s: ['none', dir, 'no-such-fs', ''] }], CLONE.NEWNS);
  const m = onlyError(f);
  assert.is(m.step, 1);
  assert.is(m.errno, ENODEV);
  assert.is(m.payload.toString(), dir);
});

test('a failing execve is reported too, and the child exits 127', async () => {
  const f = await runPlan(execTail(['/nonexistent/program']));
  const m = onlyError(f);
  assert.is(m.step, 2);
  assert.is(m.errno, ENOENT);
  assert.is(m.payload.toString(), '/nonexistent/program');
  assert.is(f.code, 127);
});

test('ResolveExec takes the first executable regular file', async () => {
  const out = outputFile(tempDir('resolve'));
  const f = await runPlan([
    { code: OpCode.Dup2, n: [out.fd, 1] },
    { code: OpCode.ResolveExec, s: ['/nonexistent/sh', '/etc/passwd', '/etc', '/bin/sh'] },
    // argv[0] is not a path: the resolved one is executed.
    ...execTail(['sh', '-c', 'echo resolved']),
  ]);
  assert.equal(f.messages, []);
  assert.is(f.code, 0);
  assert.is(out.read(), 'resolved\n');
});

test('ResolveExec: ENOENT naming the first candidate when none exists; EACCES naming a non-executable one', async () => {
  const none = onlyError(await runPlan([{ code: OpCode.ResolveExec, s: ['/nonexistent/a', '/nonexistent/b'] }]));
  assert.is(none.errno, ENOENT);
  assert.is(none.payload.toString(), '/nonexistent/a');
  const notExec = onlyError(await runPlan([{ code: OpCode.ResolveExec, s: ['/nonexistent/a', '/etc/passwd'] }]));
  assert.is(notExec.errno, EACCES);
  assert.is(notExec.payload.toString(), '/etc/passwd');
});

// ---------------------------------------------------------------------------------------------
// Paths inside the root never leave it
// ---------------------------------------------------------------------------------------------

/**
 * A scratch directory standing in for the host. The child first chroots into it (a bind and
 * MoveRoot in its private mount namespace), so even a broken resolver could only ever touch
 * files in here, never the real host. Inside: /proc, the rootfs at /root, the "host" bait /tmp/bait,
 * and the rootfs has /tmp/bait too, with a marker file telling the two apart.
 */
function sandbox(tag: string): { host(p: string): string; enter: Op[] } {
  const scratch = tempDir(tag);
  const host = (p: string) => path.join(scratch, p);
  fs.mkdirSync(host('tmp/bait'), { recursive: true });
  fs.mkdirSync(host('root/tmp/bait'), { recursive: true });
  fs.writeFileSync(host('tmp/bait/marker'), 'outside');
  fs.writeFileSync(host('root/tmp/bait/marker'), 'inside');
  fs.mkdirSync(host('proc'));
  const enter: Op[] = [
    privateRoot,
    { code: OpCode.Mount, n: [MS.BIND | MS.REC, 0, 0, 0], s: [scratch, scratch, '', ''] },
    // In-root mounts go through /proc/self/fd/N, as they do before pivot_root in a container.
    { code: OpCode.Mount, n: [MS.BIND | MS.REC, 0, 0, 0], s: ['/proc', host('proc'), '', ''] },
    { code: OpCode.MoveRoot, s: [scratch] },
    { code: OpCode.OpenRoot, s: ['/root'] },
  ];
  return { host, enter };
}

/** Spawns `ops`, waits for Ready, hands the paused child to `check`, then lets it finish. */
async function whilePaused(ops: Op[], check: (pid: number) => void): Promise<void> {
  const child = addon.spawn({
    cloneFlags: CLONE.NEWNS,
    cgroupFd: -1,
    ops: [...ops, { code: OpCode.SendSync, n: [SyncMsg.Ready] }, { code: OpCode.WaitSync, n: [SyncMsg.Go] }],
  });
  let status: ExitStatus | undefined;
  try {
    const ready = addon.syncRecv(child.syncFd, RECV_TIMEOUT_MS);
    const report = ready?.type === SyncMsg.Error ? `step ${ready.step}: ${addon.errnoName(ready.errno)} ${ready.payload}` : '';
    assert.is(ready?.type, SyncMsg.Ready, report);
    check(child.pid);
    addon.syncSend(child.syncFd, SyncMsg.Go);
    assert.is(addon.syncRecv(child.syncFd, RECV_TIMEOUT_MS), null);
  } finally {
    addon.close(child.syncFd); // a child still waiting for Go exits on EOF
    status = await addon.waitPid(child.pid);
  }
  assert.equal(status, { code: 0, signal: null });
}

/** mountinfo lines of `pid` as {root (field 4), point (field 5)}; points relative to its root. */
function mounts(pid: number): { root: string; point: string }[] {
  return fs
    .readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' '))
    .map((f) => ({ root: f[3]!, point: f[4]! }));
}

test('a mount target that is a symlink to a host path, or climbs with "..", lands inside the root', async () => {
  const sb = sandbox('target');
  fs.symlinkSync('/tmp/bait', sb.host('root/link'));
  const ops: Op[] = [
    ...sb.enter,
    { code: OpCode.Mount, n: [0, 1, 1, 0], s: ['tmpfs', '/link', 'tmpfs', ''] },
    { code: OpCode.Mount, n: [0, 1, 1, 0], s: ['tmpfs', '/../../../../tmp/bait', 'tmpfs', ''] },
  ];
  await whilePaused(ops, (pid) => {
    const points = mounts(pid).map((m) => m.point);
    assert.is(points.filter((p) => p === '/root/tmp/bait').length, 2, 'both mounts are on the directory inside the root');
    assert.not.ok(points.includes('/tmp/bait'), 'nothing is mounted on the "host" path');
  });
});

test('a bind source inside the root follows its symlink inside the root', async () => {
  const sb = sandbox('source');
  fs.symlinkSync('/tmp/bait', sb.host('root/link'));
  const ops: Op[] = [...sb.enter, { code: OpCode.Mount, n: [MS.BIND, 1, 1, 1], s: ['/link', '/seen', '', ''] }];
  await whilePaused(ops, (pid) => {
    const seen = mounts(pid).find((m) => m.point === '/root/seen');
    assert.ok(seen, 'the target was created inside the root');
    // The bind's root within its filesystem names the directory it shows.
    assert.ok(seen!.root.endsWith('/root/tmp/bait'), seen!.root);
  });
});

test('creating through a dangling symlink to the host fails and creates nothing on the host', async () => {
  const cases: Op[] = [
    { code: OpCode.Mount, n: [0, 1, 1, 0], s: ['tmpfs', '/dangling/sub', 'tmpfs', ''] },
    { code: OpCode.Mount, n: [MS.BIND, 1, 2, 0], s: ['/dev/null', '/dangling', '', ''] },
    { code: OpCode.Mkdirs, n: [0o755], s: ['/dangling/made'] },
    { code: OpCode.Mknod, n: [S_IF.FIFO | 0o644, 0, 0, 0, 0], s: ['/dangling/fifo'] },
    { code: OpCode.Symlink, s: ['/x', '/dangling/link'] },
  ];
  for (const op of cases) {
    const sb = sandbox('dangling');
    fs.symlinkSync('/tmp/bait/new', sb.host('root/dangling')); // exists "on the host" only
    fs.mkdirSync(sb.host('tmp/bait/new'));
    const f = await runPlan([...sb.enter, op], CLONE.NEWNS);
    const m = onlyError(f);
    assert.is(m.step, sb.enter.length);
    assert.is(m.errno, ENOENT, `op ${op.code}`);
    assert.equal(fs.readdirSync(sb.host('tmp/bait/new')), [], 'the "host" directory is untouched');
  }
});

test('Mkdirs, Mknod and Symlink create inside the root, with the modes and owners asked for', async () => {
  const sb = sandbox('make');
  const f = await runPlan(
    [
      ...sb.enter,
      { code: OpCode.Umask, n: [0] },
      { code: OpCode.Mkdirs, n: [0o750], s: ['/a/b/c'] },
      { code: OpCode.Mkdirs, n: [0o750], s: ['/../../escape'] },
      { code: OpCode.Mknod, n: [S_IF.FIFO | 0o640, 0, 0, 1234, 5678], s: ['/dev/sub/fifo'] },
      { code: OpCode.Mknod, n: [S_IF.FIFO | 0o600, 0, 0, 0, 0], s: ['/dev/sub/fifo'] }, // EEXIST: left alone
      { code: OpCode.Symlink, s: ['/a/b', '/links/ab'] },
      { code: OpCode.Symlink, s: ['/other', '/links/ab'] }, // EEXIST: left alone
    ],
    CLONE.NEWNS,
  );
  assert.equal(f.messages, []);
  assert.is(f.code, 0);
  const c = fs.statSync(sb.host('root/a/b/c'));
  assert.ok(c.isDirectory());
  assert.is(c.mode & 0o777, 0o750);
  assert.ok(fs.statSync(sb.host('root/escape')).isDirectory(), '".." stops at the root');
  assert.not.ok(fs.existsSync(sb.host('escape')));
  const fifo = fs.lstatSync(sb.host('root/dev/sub/fifo'));
  assert.ok(fifo.isFIFO());
  assert.is(fifo.mode & 0o777, 0o640);
  assert.is(fifo.uid, 1234);
  assert.is(fifo.gid, 5678);
  assert.is(fs.readlinkSync(sb.host('root/links/ab')), '/a/b');
});

test('MaskPath hides a directory and a file; ReadonlyPath makes a directory read-only; missing paths are skipped', async () => {
  const dir = tempDir('mask');
  fs.mkdirSync(path.join(dir, 'masked-dir'));
  fs.writeFileSync(path.join(dir, 'masked-dir/secret'), 'secret');
  fs.writeFileSync(path.join(dir, 'masked-file'), 'secret');
  fs.mkdirSync(path.join(dir, 'ro-dir'));
  const out = outputFile(tempDir('mask-out'));
  const f = await runPlan(
    [
      { code: OpCode.Dup2, n: [out.fd, 1] },
      privateRoot,
      { code: OpCode.MaskPath, s: [path.join(dir, 'masked-dir')] },
      { code: OpCode.MaskPath, s: [path.join(dir, 'masked-file')] },
      { code: OpCode.MaskPath, s: [path.join(dir, 'missing')] },
      { code: OpCode.ReadonlyPath, s: [path.join(dir, 'ro-dir')] },
      { code: OpCode.ReadonlyPath, s: [path.join(dir, 'missing')] },
      { code: OpCode.Chdir, s: [dir] },
      ...execTail(['/bin/sh', '-c', 'ls -A masked-dir | wc -l; wc -c < masked-file; touch ro-dir/x 2>/dev/null && echo writable || echo read-only']),
    ],
    CLONE.NEWNS,
  );
  assert.equal(f.messages, []);
  assert.is(out.read(), '0\n0\nread-only\n');
  assert.is(fs.readFileSync(path.join(dir, 'masked-file'), 'utf8'), 'secret', 'the host file is untouched');
});

// ---------------------------------------------------------------------------------------------
// Sync points
// ---------------------------------------------------------------------------------------------

async function parked(): Promise<{ pid: number; syncFd: number }> {
  return addon.spawn({ cloneFlags: 0, cgroupFd: -1, ops: [{ code: OpCode.WaitSync, n: [SyncMsg.Go] }, ...execTail(['/bin/true'])] });
}

test('WaitSync: Abort, an unexpected message or EOF make the child exit 1 without a report', async () => {
  for (const answer of ['abort', 'wrong', 'eof'] as const) {
    const child = await parked();
    if (answer === 'abort') addon.syncSend(child.syncFd, SyncMsg.Abort);
    if (answer === 'wrong') addon.syncSend(child.syncFd, SyncMsg.HooksDone, Buffer.from('{}'));
    if (answer !== 'eof') assert.is(addon.syncRecv(child.syncFd, RECV_TIMEOUT_MS), null, `${answer}: EOF, no report`);
    addon.close(child.syncFd);
    assert.equal(await addon.waitPid(child.pid), { code: 1, signal: null }, answer);
  }
});

test('WaitSync: the expected message lets the child go on', async () => {
  const child = await parked();
  addon.syncSend(child.syncFd, SyncMsg.Go);
  assert.is(addon.syncRecv(child.syncFd, RECV_TIMEOUT_MS), null);
  addon.close(child.syncFd);
  assert.equal(await addon.waitPid(child.pid), { code: 0, signal: null });
});

test('syncRecv throws ETIMEDOUT when nothing arrives in time', async () => {
  const child = await parked();
  try {
    let caught: (Error & { code?: string; errno?: number }) | undefined;
    try {
      addon.syncRecv(child.syncFd, 20);
    } catch (err) {
      caught = err as Error;
    }
    assert.is(caught?.code, 'ETIMEDOUT');
    assert.is(caught?.errno, ETIMEDOUT);
  } finally {
    addon.syncSend(child.syncFd, SyncMsg.Abort);
    addon.close(child.syncFd);
    await addon.waitPid(child.pid);
  }
});

test('WaitStart holds the child on the exec fifo until a byte is written into it', async () => {
  const dir = tempDir('fifo');
  const fifo = path.join(dir, 'exec.fifo');
  addon.mkfifo(fifo, 0o600);
  const fifoFd = addon.open(fifo, O_RDWR | O_CLOEXEC, 0); // as create opens it
  cleanups.push(() => addon.close(fifoFd));
  const out = outputFile(dir);
  const child = addon.spawn({
    cloneFlags: 0,
    cgroupFd: -1,
    ops: [
      { code: OpCode.Dup2, n: [out.fd, 1] },
      { code: OpCode.SendSync, n: [SyncMsg.Ready] },
      { code: OpCode.WaitStart, n: [fifoFd] },
      ...execTail(['/bin/sh', '-c', 'echo started']),
    ],
  });
  try {
    assert.is(addon.syncRecv(child.syncFd, RECV_TIMEOUT_MS)?.type, SyncMsg.Ready);
    assert.is(out.read(), '', 'parked: nothing ran yet');
    fs.writeFileSync(fifo, '0'); // what `start` does
  } finally {
    addon.close(child.syncFd);
  }
  assert.equal(await addon.waitPid(child.pid), { code: 0, signal: null });
  assert.is(out.read(), 'started\n');
});

test('ForkReport: the first child reports the pid that goes on and exits 0', async () => {
  addon.setChildSubreaper(); // the reported process is reparented to us: we can wait for it
  const child = addon.spawn({
    cloneFlags: 0,
    cgroupFd: -1,
    ops: [{ code: OpCode.ForkReport }, { code: OpCode.SendSync, n: [SyncMsg.Ready] }, { code: OpCode.WaitSync, n: [SyncMsg.Go] }],
  });
  let grandchild = 0;
  try {
    const pidMsg = addon.syncRecv(child.syncFd, RECV_TIMEOUT_MS);
    assert.is(pidMsg?.type, SyncMsg.Pid);
    grandchild = pidMsg!.value;
    assert.ok(grandchild > 0 && grandchild !== child.pid);
    assert.equal(await addon.waitPid(child.pid), { code: 0, signal: null });
    assert.is(addon.syncRecv(child.syncFd, RECV_TIMEOUT_MS)?.type, SyncMsg.Ready, 'the reported process speaks on the same socket');
    const ppid = /PPid:\s+(\d+)/.exec(fs.readFileSync(`/proc/${grandchild}/status`, 'utf8'))?.[1];
    assert.is(Number(ppid), process.pid);
    addon.syncSend(child.syncFd, SyncMsg.Go);
  } finally {
    addon.close(child.syncFd);
    if (grandchild) assert.equal(await addon.waitPid(grandchild), { code: 0, signal: null });
  }
});

// ---------------------------------------------------------------------------------------------
// What reaches the exec'd program
// ---------------------------------------------------------------------------------------------

test('only fds 0-2 and the preserved ones reach the program; the sync socket and host fds do not', async () => {
  const out = outputFile(tempDir('fds'));
  // Opened WITHOUT O_CLOEXEC, as a careless host library would: CloexecFrom must catch them.
  const leaky = [addon.open('/dev/null', O_RDONLY, 0), addon.open('/dev/null', O_RDWR, 0)];
  const preserved = addon.open('/etc/hostname', O_RDONLY, 0);
  cleanups.push(() => [...leaky, preserved].forEach((fd) => addon.close(fd)));
  const f = await runPlan([
    { code: OpCode.Dup2, n: [out.fd, 1] },
    { code: OpCode.Dup2, n: [preserved, 3] },
    { code: OpCode.Dup2, n: [3, 3] }, // dup2 onto itself: a no-op, not dup3's EINVAL
    { code: OpCode.CloexecFrom, n: [4] },
    { code: OpCode.PrepareStdio, n: [4] },
    { code: OpCode.Exec, n: [3, 1], s: ['/bin/sh', '-c', 'ls /proc/$$/fd; readlink /proc/$$/fd/3', 'PATH=/usr/bin:/bin'] },
  ]);
  assert.equal(f.messages, []);
  assert.is(out.read(), '0\n1\n2\n3\n/etc/hostname\n');
});

test('a large plan (thousands of strings) arrives intact', async () => {
  const out = outputFile(tempDir('large'));
  const args = Array.from({ length: 3000 }, (_, i) => `arg-${i}-${'x'.repeat(50)}`);
  const env = Array.from({ length: 500 }, (_, i) => `VAR_${i}=${'y'.repeat(40)}`);
  const f = await runPlan([
    { code: OpCode.Dup2, n: [out.fd, 1] },
    ...Array.from({ length: 200 }, (): Op => ({ code: OpCode.Umask, n: [0o22] })),
    { code: OpCode.CloexecFrom, n: [3] },
    { code: OpCode.PrepareStdio, n: [3] },
    {
      code: OpCode.Exec,
      n: [4 + args.length, env.length],
      s: ['/bin/sh', '-c', 'echo $#; eval echo \\${$#}; echo $VAR_499', 'sh', ...args, ...env],
    },
  ]);
  assert.equal(f.messages, []);
  assert.is(out.read(), `${args.length}\n${args[args.length - 1]}\n${'y'.repeat(40)}\n`);
});

test('a signal handler of the parent does not survive into the child', async () => {
  // Node installs a real handler for SIGUSR2 here; in the child it must be back to the
  // default action (terminate), and the parent's handler must not fire.
  let fired = 0;
  const handler = () => fired++;
  process.on('SIGUSR2', handler);
  try {
    const child = await parked();
    process.kill(child.pid, 'SIGUSR2');
    // Bounded: with the handler inherited, the child would ignore the signal and wait forever.
    const killer = setTimeout(() => process.kill(child.pid, 'SIGKILL'), RECV_TIMEOUT_MS);
    const st = await addon.waitPid(child.pid);
    clearTimeout(killer);
    addon.close(child.syncFd);
    assert.equal(st, { code: null, signal: os.constants.signals.SIGUSR2 });
    await new Promise((r) => setTimeout(r, 50)); // let any wrongly delivered signal arrive
    assert.is(fired, 0);
  } finally {
    process.off('SIGUSR2', handler);
  }
});

test('Setrlimit, Setgroups, Setresgid and Setresuid reach the program', async () => {
  const out = outputFile(tempDir('ids'));
  const f = await runPlan([
    { code: OpCode.Dup2, n: [out.fd, 1] },
    { code: OpCode.Setrlimit, n: [7 /* NOFILE */, 100, 200] },
    { code: OpCode.Setgroups, n: [10, 20] },
    { code: OpCode.Setresgid, n: [1234] },
    { code: OpCode.Setresuid, n: [4321] },
    { code: OpCode.Chdir, s: ['/'] },
    ...execTail(['/bin/sh', '-c', 'id -u; id -g; id -G; ulimit -n; ulimit -Hn']),
  ]);
  assert.equal(f.messages, []);
  assert.is(out.read(), '4321\n1234\n1234 10 20\n100\n200\n');
});

// ---------------------------------------------------------------------------------------------
// Hooks run by the child
// ---------------------------------------------------------------------------------------------

function hookOp(script: string, timeoutSeconds = 0): Op {
  return { code: OpCode.RunHook, n: [3, 0, timeoutSeconds], s: ['/bin/sh', 'sh', '-c', script] };
}

/** Runs one hook after handing the child `state`; returns what the child reported. */
async function runHook(hook: Op, state: string): Promise<Finished> {
  const child = addon.spawn({
    cloneFlags: 0,
    cgroupFd: -1,
    ops: [{ code: OpCode.ResetSignals }, { code: OpCode.WaitSync, n: [SyncMsg.HooksDone] }, hook, { code: OpCode.SendSync, n: [SyncMsg.Ready] }],
  });
  addon.syncSend(child.syncFd, SyncMsg.HooksDone, Buffer.from(state));
  const messages: SyncMessage[] = [];
  try {
    for (let m = addon.syncRecv(child.syncFd, RECV_TIMEOUT_MS); m; m = addon.syncRecv(child.syncFd, RECV_TIMEOUT_MS)) messages.push(m);
  } finally {
    addon.close(child.syncFd);
  }
  return { messages, ...(await addon.waitPid(child.pid)) };
}

test('RunHook gives the hook the state on stdin and goes on when it succeeds', async () => {
  const file = path.join(tempDir('hook'), 'state');
  const state = JSON.stringify({ ociVersion: '1.3.0', id: 'x', status: 'created' });
  const f = await runHook(hookOp(`cat > ${file}`), state);
  assert.equal(f.messages.map((m) => m.type), [SyncMsg.Ready]);
  assert.is(fs.readFileSync(file, 'utf8'), state);
});

test('RunHook: a hook that ignores a large state and exits at once still succeeds', async () => {
  // With a pipe for stdin this raced into SIGPIPE (signals are at their defaults by now).
  for (let i = 0; i < 5; i++) {
    const f = await runHook({ code: OpCode.RunHook, n: [1, 0, 0], s: ['/bin/true', 'true'] }, 'x'.repeat(60_000));
    assert.equal(f.messages.map((m) => m.type), [SyncMsg.Ready]);
  }
});

test('RunHook: a non-zero exit fails the step with the status in the detail', async () => {
  const f = await runHook(hookOp('exit 3'), '{}');
  const m = onlyError(f);
  assert.is(m.step, 2);
  assert.is(m.errno, ECHILD);
  assert.is(m.payload.toString(), 'hook /bin/sh exited with status 3');
  assert.is(f.code, 1);
});

test('RunHook: a hook that cannot be executed reports the exec errno', async () => {
  const f = await runHook({ code: OpCode.RunHook, n: [1, 0, 0], s: ['/nonexistent/hook', 'hook'] }, '{}');
  const m = onlyError(f);
  assert.is(m.errno, ENOENT);
  assert.is(m.payload.toString(), 'hook /nonexistent/hook');
});

test('RunHook: a hook that outlives its timeout is killed and the step fails with ETIMEDOUT', async () => {
  const pidFile = path.join(tempDir('hook-timeout'), 'pid');
  const f = await runHook(hookOp(`echo $$ > ${pidFile}; exec sleep 60`, 1), '{}');
  const m = onlyError(f);
  assert.is(m.errno, ETIMEDOUT);
  assert.is(m.payload.toString(), 'hook /bin/sh timed out after 1s');
  const hookPid = Number(fs.readFileSync(pidFile, 'utf8'));
  assert.ok(hookPid > 0);
  assert.not.ok(fs.existsSync(`/proc/${hookPid}`), 'the hook is gone');
});

// ---------------------------------------------------------------------------------------------
// The small helpers
// ---------------------------------------------------------------------------------------------

test('errors carry errno, code and a message naming the call and the path', () => {
  let caught: (Error & { code?: string; errno?: number }) | undefined;
  try {
    addon.open('/nonexistent/berth-file', O_RDONLY, 0);
  } catch (err) {
    caught = err as Error;
  }
  assert.is(caught?.errno, ENOENT);
  assert.is(caught?.code, 'ENOENT');
  assert.is(caught?.message, 'open /nonexistent/berth-file: No such file or directory');
  assert.is(addon.errnoName(1), 'EPERM');
  assert.is(addon.strerror(ENOENT), 'No such file or directory');
});

test('bad arguments throw TypeErrors before anything happens', () => {
  const bad: [string, () => unknown][] = [
    ['close without fd', () => (addon.close as (fd?: number) => void)()],
    ['unknown op code', () => addon.spawn({ cloneFlags: 0, cgroupFd: -1, ops: [{ code: 999 as OpCode }] })],
    ['string in n', () => addon.spawn({ cloneFlags: 0, cgroupFd: -1, ops: [{ code: OpCode.Umask, n: ['7' as unknown as number] }] })],
    ['NUL in a path', () => addon.spawn({ cloneFlags: 0, cgroupFd: -1, ops: [{ code: OpCode.Chdir, s: ['/tmp\0/x'] }] })],
    ['argc/envc mismatch', () => addon.spawn({ cloneFlags: 0, cgroupFd: -1, ops: [{ code: OpCode.Exec, n: [2, 0], s: ['/bin/true'] }] })],
    ['missing cgroupFd', () => addon.spawn({ cloneFlags: 0, ops: [] } as unknown as SpawnRequest)],
  ];
  for (const [what, call] of bad) assert.throws(call, (err: Error) => err instanceof TypeError, what);
});

test('waitPid reports a death by signal, and rejects for a process that is not our child', async () => {
  const child = await parked();
  process.kill(child.pid, 'SIGKILL');
  assert.equal(await addon.waitPid(child.pid), { code: null, signal: 9 });
  addon.close(child.syncFd);
  const err = await addon.waitPid(1).then(
    () => undefined,
    (e: Error & { code?: string }) => e,
  );
  assert.is(err?.code, 'ECHILD');
});

test('memfdWithBytes, mkfifo and flock', () => {
  const fd = addon.memfdWithBytes('berth-test', Buffer.from('hello'));
  try {
    assert.is(fs.readFileSync(`/proc/self/fd/${fd}`, 'utf8'), 'hello');
    assert.is(fs.readSync(fd, Buffer.alloc(5), 0, 5, null), 5, 'the offset is rewound');
  } finally {
    addon.close(fd);
  }

  const dir = tempDir('misc');
  const fifo = path.join(dir, 'fifo');
  addon.mkfifo(fifo, 0o600);
  const st = fs.statSync(fifo);
  assert.ok(st.isFIFO());
  assert.is(st.mode & 0o777, 0o600);
  assert.throws(() => addon.mkfifo(fifo, 0o600), (e: Error & { code?: string }) => e.code === 'EEXIST');

  const lockFile = path.join(dir, 'lock');
  fs.writeFileSync(lockFile, '');
  const a = fs.openSync(lockFile, 'r');
  const b = fs.openSync(lockFile, 'r');
  try {
    assert.is(addon.flock(a, true, true), true);
    assert.is(addon.flock(b, true, true), false, 'held through the other open file description');
    assert.is(addon.flock(b, false, true), false);
    fs.closeSync(a);
    assert.is(addon.flock(b, true, true), true, 'released when its holder closed');
  } finally {
    try {
      fs.closeSync(a);
    } catch {
      // closed above
    }
    fs.closeSync(b);
  }
});

test('waitHangup sees the fifo reader go away', () => {
  const fifo = path.join(tempDir('hangup'), 'fifo');
  addon.mkfifo(fifo, 0o600);
  const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const writer = fs.openSync(fifo, fs.constants.O_WRONLY);
  try {
    assert.is(addon.waitHangup(writer, 0), false, 'a reader is there');
    fs.closeSync(reader);
    assert.is(addon.waitHangup(writer, RECV_TIMEOUT_MS), true);
  } finally {
    fs.closeSync(writer);
  }
});

test.run();
