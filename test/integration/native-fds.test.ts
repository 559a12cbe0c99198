// The addon's descriptor passing on its own (no CLI): the child's Console and SeccompListener
// ops hand their fd over the sync socket (SyncMsg.ConsoleFd / SeccompFd, SCM_RIGHTS), and
// connectUnix + sendFd deliver data to an AF_UNIX stream socket. Runs as root.

import fs from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLONE, MS, PR } from '../../src/plan/linux-constants.js';
import { OpCode, type Op } from '../../src/plan/ops.js';
import { native } from '../../src/sys/addon.js';
import type { SyncMessage } from '../../src/sys/native.js';
import { SyncMsg } from '../../src/sys/sync.js';

const addon = native();
const NEW_LISTENER = 1 << 3;

async function runPlan(ops: Op[], cloneFlags = 0): Promise<{ messages: SyncMessage[]; code: number | null }> {
  const child = addon.spawn({ cloneFlags, cgroupFd: -1, ops });
  const messages: SyncMessage[] = [];
  try {
    for (let m = addon.syncRecv(child.syncFd, 20_000); m; m = addon.syncRecv(child.syncFd, 20_000)) messages.push(m);
  } finally {
    addon.close(child.syncFd);
  }
  const status = await addon.waitPid(child.pid);
  return { messages, code: status.code };
}

test('SeccompListener: the notify fd reaches the parent with SyncMsg.SeccompFd', async () => {
  const { bpf } = addon.compileSeccomp({ defaultAction: 0x7fff0000, architectures: [], rules: [{ syscall: 'mkdir', action: 0x7fc00000, args: [] }] });
  const f = await runPlan([
    { code: OpCode.ResetSignals },
    { code: OpCode.Prctl, n: [PR.SET_NO_NEW_PRIVS, 1, 0, 0, 0] },
    { code: OpCode.SeccompListener, n: [NEW_LISTENER], b: bpf },
  ]);
  assert.is(f.code, 0);
  assert.is(f.messages.length, 1, JSON.stringify(f.messages.map((m) => [m.type, m.errno])));
  const m = f.messages[0]!;
  assert.is(m.type, SyncMsg.SeccompFd);
  assert.is(m.step, 2);
  assert.ok(m.fd > 2);
  try {
    assert.match(fs.readlinkSync(`/proc/self/fd/${m.fd}`), 'anon_inode:seccomp notify');
  } finally {
    addon.close(m.fd);
  }
});

test('Console: the master comes back with SyncMsg.ConsoleFd; the program has the pty as stdio and console', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-native-tty-'));
  try {
    // All in the child's own mount namespace: a tmpfs over dir, a devpts instance in it.
    const f = await runPlan(
      [
        { code: OpCode.ResetSignals },
        { code: OpCode.Mount, n: [MS.REC | MS.PRIVATE, 0, 0, 0], s: ['', '/', '', ''] },
        { code: OpCode.Mount, n: [0, 0, 0, 0], s: ['tmpfs', dir, 'tmpfs', 'mode=755'] },
        { code: OpCode.OpenRoot, s: ['/'] },
        { code: OpCode.Mkdirs, n: [0o755], s: [`${dir}/pts`] },
        { code: OpCode.Mount, n: [0, 0, 0, 0], s: ['devpts', `${dir}/pts`, 'devpts', 'newinstance,ptmxmode=0666'] },
        { code: OpCode.Setsid },
        { code: OpCode.Console, n: [20, 70, 0], s: [`${dir}/pts/ptmx`, `${dir}/console`] },
        { code: OpCode.CloexecFrom, n: [3] },
        { code: OpCode.PrepareStdio, n: [3] },
        {
          code: OpCode.Exec,
          n: [3, 1],
          s: ['/bin/sh', '-c', `test -t 0 && test -t 2 && echo tty; stty size; stat -L -c %t:%T ${dir}/console /proc/self/fd/0`, 'PATH=/usr/bin:/bin'],
        },
      ],
      CLONE.NEWNS,
    );
    assert.is(f.messages.length, 1, JSON.stringify(f.messages.map((m) => [m.type, m.errno, m.payload.toString()])));
    const m = f.messages[0]!;
    assert.is(m.type, SyncMsg.ConsoleFd, JSON.stringify([m.step, m.errno, m.payload.toString()]));
    assert.is(m.payload.toString(), `${dir}/pts/ptmx`);
    let out = '';
    const buf = Buffer.alloc(4096);
    try {
      for (;;) {
        let n = 0;
        try {
          n = fs.readSync(m.fd, buf);
        } catch {
          break; // EIO: the program is gone
        }
        if (n === 0) break;
        out += buf.subarray(0, n).toString();
      }
    } finally {
      addon.close(m.fd);
    }
    assert.is(f.code, 0);
    const lines = out.replace(/\r/g, '').trim().split('\n');
    assert.equal(lines.slice(0, 2), ['tty', '20 70']);
    assert.is(lines[2], lines[3], '/dev/console is the pty');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('connectUnix + sendFd deliver the data to a stream socket; errors name the call and path', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-native-sock-'));
  const sockPath = path.join(dir, 's.sock');
  // The receiver is another process: this one blocks in sendFd while the socket buffer is full.
  const receiver = spawn(process.execPath, ['-e', `
    const net = require('net');
    const server = net.createServer((c) => {
      let n = 0, head = '';
      c.on('data', (d) => { if (!head) head = d.subarray(0, 6).toString(); n += d.length; });
      c.on('end', () => { process.stdout.write(head + ' ' + n); server.close(); });
    });
    server.listen(${JSON.stringify(sockPath)}, () => process.stdout.write('up\\n'));
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  receiver.stdout!.on('data', (d) => (out += d));
  const exited = new Promise((r) => receiver.once('exit', r));
  try {
    for (let i = 0; i < 200 && !out.includes('up'); i++) await new Promise((r) => setTimeout(r, 10));
    const sock = addon.connectUnix(sockPath);
    const file = fs.openSync(path.join(dir, 'f'), 'w');
    const big = Buffer.alloc(1_000_000, 'x'); // more than one sendmsg takes on a stream socket
    addon.sendFd(sock, file, Buffer.concat([Buffer.from('head:'), big]));
    fs.closeSync(file);
    addon.close(sock);
    await exited;
    assert.is(out.split('\n')[1], `head:x ${5 + big.length}`);

    const missing = path.join(dir, 'none.sock');
    assert.throws(() => addon.connectUnix(missing), (e: Error & { code?: string }) => e.code === 'ENOENT' && e.message.includes(missing));
    assert.throws(() => addon.connectUnix('/' + 'x'.repeat(200)), (e: Error & { code?: string }) => e.code === 'ENAMETOOLONG');
    assert.throws(() => addon.sendFd(0, 0, new Uint8Array(0)), TypeError);
    assert.throws(() => (addon.sendFd as (...a: unknown[]) => void)(0, 0, 'text'), TypeError);
  } finally {
    if (receiver.exitCode === null) receiver.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
