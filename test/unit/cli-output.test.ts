// What berth prints: the list table (byte for byte as runc 1.1.5 printed it on this machine),
// list JSON, the state document's shape, and a state/list round trip through main() on a
// fake container whose "init" is this test process. Also checks that no command creates the
// process.stdin/stdout/stderr streams: libuv would switch the shared stdio descriptions (the
// container's own pipes, at create) to non-blocking mode.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listJson, listTable } from '../../src/cli/commands/list.js';
import { featuresDocument } from '../../src/cli/features-document.js';
import { main, type MainIo } from '../../src/cli/main.js';
import { formatTable } from '../../src/cli/table.js';
import { userName } from '../../src/state/owner.js';
import { stateDocument, type StateDocument } from '../../src/state/state-document.js';
import { parseProcStat } from '../../src/state/status.js';
import { StateStore } from '../../src/state/store.js';
import type { StoredState } from '../../src/state/types.js';

const stored = (over: Partial<StoredState> = {}): StoredState => ({
  ociVersion: '1.0.2-dev', id: 'c1', pid: 30122, pidStartTime: '1000', bundle: '/tmp/rb', rootfs: '/tmp/rb/rootfs',
  created: '2026-11-22T13:43:27.633561718Z', owner: '', annotations: {}, startable: true,
  cgroup: { version: 1, paths: {} }, ...over,
});

test('list table: byte for byte what runc printed for the same container', () => {
  const doc = stateDocument(stored({ annotations: { 'a.b': 'c' } }), 'created', 'root');
  assert.is(listTable([doc]),
    'ID          PID         STATUS      BUNDLE      CREATED                          OWNER\n' +
    'c1          30122       created     /tmp/rb     2026-11-22T13:43:27.633561718Z   root\n');
  assert.is(listTable([]), 'ID          PID         STATUS      BUNDLE      CREATED     OWNER\n');
});

test('table columns: widest cell + 3, at least 12; the last column unpadded', () => {
  assert.is(formatTable([['ID', 'X'], ['a-long-container-id', 'y']]), `ID${' '.repeat(20)}X\na-long-container-id   y\n`);
  assert.is(formatTable([['é', 'x']]), `é${' '.repeat(11)}x\n`, 'width counts characters, not bytes');
});

test('list JSON: compact array, null when empty (as runc)', () => {
  assert.is(listJson([]), 'null\n');
  const doc = stateDocument(stored(), 'running', 'root');
  assert.is(listJson([doc]), JSON.stringify([doc]) + '\n');
});

test('state document: runc\'s field order, annotations only when set, pid 0 once stopped', () => {
  const withAnn = stateDocument(stored({ annotations: { a: 'b' } }), 'running');
  assert.equal(Object.keys(withAnn), ['ociVersion', 'id', 'pid', 'status', 'bundle', 'rootfs', 'created', 'annotations', 'owner']);
  assert.equal(withAnn, {
    ociVersion: '1.0.2-dev', id: 'c1', pid: 30122, status: 'running', bundle: '/tmp/rb', rootfs: '/tmp/rb/rootfs',
    created: '2026-11-22T13:43:27.633561718Z', annotations: { a: 'b' }, owner: '',
  });
  const stopped = stateDocument(stored(), 'stopped');
  assert.equal(Object.keys(stopped), ['ociVersion', 'id', 'pid', 'status', 'bundle', 'rootfs', 'created', 'owner']);
  assert.is(stopped.pid, 0);
});

test('owner names: from the passwd text, "#uid" when unknown', () => {
  const passwd = () => 'root:x:0:0:root:/root:/bin/sh\nweb:x:1000:1000::/home/web:/bin/sh\n';
  assert.is(userName(0, passwd), 'root');
  assert.is(userName(1000, passwd), 'web');
  assert.is(userName(4242, passwd), '#4242');
  assert.is(userName(7, () => { throw new Error('no passwd'); }), '#7');
});

test('features: only what berth implements, and a document of the right shape', () => {
  const f = featuresDocument('abc');
  assert.is(f.ociVersionMin, '1.0.0');
  assert.is(f.ociVersionMax, '1.3.0');
  const linux = f.linux as { namespaces: string[]; capabilities: string[]; cgroup: Record<string, boolean>; seccomp: Record<string, unknown>; apparmor: { enabled: boolean } };
  assert.equal(linux.cgroup, { v1: true, v2: true, systemd: false, systemdUser: false, rdma: true });
  assert.ok(linux.namespaces.includes('time'));
  assert.is(linux.capabilities[0], 'CAP_CHOWN');
  assert.is(linux.capabilities.length, 41);
  assert.ok((linux.seccomp.actions as string[]).includes('SCMP_ACT_NOTIFY'), 'seccomp notify listener');
  assert.ok((linux.seccomp.supportedFlags as string[]).includes('SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'));
  assert.ok((linux.seccomp.knownFlags as string[]).includes('SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'));
  assert.not.ok((linux.seccomp.archs as string[]).includes('SCMP_ARCH_LOONGARCH64'), 'needs libseccomp 2.6');
  assert.ok(f.mountOptions.includes('rbind'));
  assert.ok(f.mountOptions.includes('idmap') && f.mountOptions.includes('ridmap'), 'idmapped mounts are supported');
  assert.not.ok(f.mountOptions.includes('tmpcopyup'), 'tmpcopyup is refused');
  assert.is(linux.apparmor.enabled, false);
  assert.is(f.annotations['berth.commit'], 'abc');
});

// main() end to end, with captured output.

async function berth(argv: string[], cwd: string): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: MainIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: () => cwd, stderrIsTTY: false };
  const status = await main(argv, io);
  return { status, out, err };
}

test('state and list through main(), with a live "init" (this process)', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-output-'));
  const root = path.join(tmp, 'root');
  try {
    const store = new StateStore(root);
    const startTime = parseProcStat(fs.readFileSync('/proc/self/stat', 'utf8'))!.startTime;
    store.createDir('live');
    store.write('live', stored({ id: 'live', pid: process.pid, pidStartTime: startTime, bundle: tmp, annotations: { k: 'v' } }));
    fs.writeFileSync(store.fifoPath('live'), ''); // stands in for the exec fifo
    store.createDir('gone');
    store.write('gone', stored({ id: 'gone', pid: process.pid, pidStartTime: String(Number(startTime) + 1) }));
    store.createDir('half'); // a create in progress: no state.json yet

    const created = await berth(['--root', root, 'state', 'live'], tmp);
    assert.is(created.status, 0, created.err);
    const doc = JSON.parse(created.out) as StateDocument;
    assert.equal([doc.status, doc.pid, doc.owner, doc.annotations], ['created', process.pid, '', { k: 'v' }]);
    assert.ok(created.out.startsWith('{\n  "ociVersion"') && created.out.endsWith('}\n'), 'indented, one trailing newline');

    fs.rmSync(store.fifoPath('live'));
    assert.is(JSON.parse((await berth(['--root', root, 'state', 'live'], tmp)).out).status, 'running');
    const gone = JSON.parse((await berth(['-root', root, 'state', 'gone'], tmp)).out) as StateDocument;
    assert.equal([gone.status, gone.pid], ['stopped', 0]);

    const me = userName(process.getuid!());
    const table = await berth(['--root', root, 'list'], tmp);
    assert.is(table.status, 0, table.err);
    const rows = table.out.trim().split('\n').map((l) => l.split(/\s+/));
    assert.equal(rows.map((r) => [r[0], r[2], r.at(-1)]), [['ID', 'STATUS', 'OWNER'], ['gone', 'stopped', me], ['live', 'running', me]]);
    const json = JSON.parse((await berth(['--root', root, 'list', '--format', 'json'], tmp)).out) as StateDocument[];
    assert.equal(json.map((d) => [d.id, d.owner]), [['gone', me], ['live', me]]);
    assert.is((await berth(['--root', root, 'list', '-q'], tmp)).out, 'gone\nlive\n');
    const badFormat = await berth(['--root', root, 'list', '-f', 'yaml'], tmp);
    assert.is(badFormat.status, 1);
    assert.match(badFormat.err, 'invalid format option');

    const missing = await berth(['--root', root, 'state', 'half'], tmp);
    assert.is(missing.status, 1);
    assert.match(missing.err, 'container half does not exist');
    assert.is((await berth(['--root', root, '--version'], tmp)).status, 0);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('spec writes config.json relative to the cwd or --bundle and never overwrites one', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-output-'));
  try {
    const r = await berth(['spec'], tmp);
    assert.is(r.status, 0, r.err);
    const cfg = JSON.parse(fs.readFileSync(path.join(tmp, 'config.json'), 'utf8'));
    assert.is(cfg.ociVersion, '1.3.0');
    assert.is(cfg.process.terminal, true);
    assert.equal(cfg.process.args, ['sh']);
    assert.is(cfg.root.path, 'rootfs');
    const again = await berth(['spec'], tmp);
    assert.is(again.status, 1);
    assert.match(again.err, `File ${path.join(tmp, 'config.json')} exists. Remove it first`);
    fs.mkdirSync(path.join(tmp, 'b'));
    assert.is((await berth(['spec', '-b', 'b'], tmp)).status, 0);
    assert.ok(fs.existsSync(path.join(tmp, 'b', 'config.json')));
    const missing = await berth(['spec', '--bundle', path.join(tmp, 'nope')], tmp);
    assert.is(missing.status, 1);
    assert.match(missing.err, 'does not exist');
    fs.mkdirSync(path.join(tmp, 'r'));
    const rootless = await berth(['spec', '--rootless', '-b', 'r'], tmp);
    assert.is(rootless.status, 0, rootless.err);
    const rl = JSON.parse(fs.readFileSync(path.join(tmp, 'r', 'config.json'), 'utf8'));
    assert.equal(rl.linux.uidMappings, [{ containerID: 0, hostID: process.geteuid!(), size: 1 }]);
    assert.ok(rl.linux.namespaces.some((n: { type: string }) => n.type === 'user'));
    const features = await berth(['features'], tmp);
    assert.is(features.status, 0);
    assert.is(JSON.parse(features.out).ociVersionMax, '1.3.0');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('delete --force of a container that does not exist exits 0 silently; plain delete exits 1', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-output-'));
  try {
    const forced = await berth(['--root', tmp, 'delete', '--force', 'nosuch'], tmp);
    assert.equal(forced, { status: 0, out: '', err: '' });
    const plain = await berth(['--root', tmp, 'delete', 'nosuch'], tmp);
    assert.is(plain.status, 1);
    assert.match(plain.err, 'container nosuch does not exist');
    const kill = await berth(['--root', tmp, 'kill', 'nosuch', '9'], tmp);
    assert.is(kill.status, 1);
    assert.match(kill.err, 'container nosuch does not exist');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

/** Runs main() in a child whose stdio are pipes, then reports the O_NONBLOCK bit of fds 0-2. */
const DRIVER = `
const fs = require('node:fs');
const { main } = require(process.argv[1]);
(async () => {
  const statuses = [];
  for (const argv of JSON.parse(process.argv[2])) statuses.push(await main(argv));
  const nonBlocking = [0, 1, 2].map((fd) => {
    const flags = parseInt(/flags:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/fdinfo/' + fd, 'utf8'))[1], 8);
    return (flags & 0o4000) !== 0;
  });
  fs.writeFileSync(process.argv[3], JSON.stringify({ statuses, nonBlocking }));
})();
`;

test('no command creates the stdio streams: fds 0-2 stay blocking (pipes, as under a shim)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-output-'));
  try {
    const root = path.join(tmp, 'root');
    const report = path.join(tmp, 'report.json');
    const argvs = [
      ['--version'], ['help', 'kill'], ['--root', root, 'list'], ['--root', root, 'list', '-f', 'json'], ['features'],
      ['--root', root, 'state', 'nosuch'], ['--root', root, 'kill', 'nosuch', '9'], ['--root', root, 'delete', '-f', 'nosuch'],
      ['--root', root, 'start', 'nosuch'], ['--root', root, 'create', '--bundle', path.join(tmp, 'nope'), 'c1'], ['frobnicate'],
    ];
    const mainJs = path.resolve(__dirname, '../../src/cli/main.js');
    const r = spawnSync(process.execPath, ['-e', DRIVER, mainJs, JSON.stringify(argvs), report], { stdio: 'pipe', encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const { statuses, nonBlocking } = JSON.parse(fs.readFileSync(report, 'utf8')) as { statuses: number[]; nonBlocking: boolean[] };
    assert.equal(statuses, [0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1]);
    assert.match(r.stdout, 'berth version');
    assert.match(r.stderr, 'container nosuch does not exist');
    assert.equal(nonBlocking, [false, false, false]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
