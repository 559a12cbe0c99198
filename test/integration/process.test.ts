// Process attributes, observed from inside the container.

import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { berthBin, makeBundle, runIn, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';

function field(status: string, name: string): string {
  return (new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status) ?? [])[1] ?? '';
}

test('capability sets and NoNewPrivs are as configured', () => {
  const spec = minimalSpec();
  spec.process!.capabilities = {
    bounding: ['CAP_KILL', 'CAP_CHOWN', 'CAP_NET_BIND_SERVICE'],
    effective: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
    permitted: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
    inheritable: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
    ambient: ['CAP_NET_BIND_SERVICE'],
  };
  spec.process!.noNewPrivileges = true;
  const r = runIn('cat /proc/self/status', spec);
  assert.is(r.status, 0, r.stderr);
  // CAP_CHOWN=0, CAP_KILL=5, CAP_NET_BIND_SERVICE=10
  assert.is(field(r.stdout, 'CapBnd'), '0000000000000421');
  assert.is(field(r.stdout, 'CapEff'), '0000000000000420');
  assert.is(field(r.stdout, 'CapPrm'), '0000000000000420');
  assert.is(field(r.stdout, 'CapInh'), '0000000000000420');
  assert.is(field(r.stdout, 'CapAmb'), '0000000000000400');
  assert.is(field(r.stdout, 'NoNewPrivs'), '1');
});

test('a capability the runtime does not hold is warned about and left out; an unpermitted ambient one is not raised', () => {
  const hostPrm = BigInt('0x' + field(fs.readFileSync('/proc/self/status', 'utf8'), 'CapPrm'));
  // CAP_SYS_RESOURCE (24) is missing from this machine's bounding set; elsewhere use any missing one.
  const missing = [24, 16, 33, 39].find((c) => ((hostPrm >> BigInt(c)) & 1n) === 0n);
  if (missing === undefined) return; // this host holds every candidate: nothing to try
  const name = ({ 24: 'CAP_SYS_RESOURCE', 16: 'CAP_SYS_MODULE', 33: 'CAP_MAC_ADMIN', 39: 'CAP_BPF' } as Record<number, string>)[missing]!;
  const spec = minimalSpec();
  spec.process!.capabilities = {
    bounding: ['CAP_KILL', name, 'CAP_NET_BIND_SERVICE'],
    effective: ['CAP_KILL', name],
    permitted: ['CAP_KILL', name],
    inheritable: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
    ambient: ['CAP_NET_BIND_SERVICE'],
  };
  spec.process!.user = { uid: 1000, gid: 1000 }; // root would regain its bounding set at execve
  const r = runIn('cat /proc/self/status', spec);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, `${name} is not held by the runtime`);
  assert.is(field(r.stdout, 'CapBnd'), '0000000000000420');
  assert.is(field(r.stdout, 'CapAmb'), '0000000000000000');
  assert.is(field(r.stdout, 'CapPrm'), '0000000000000000');
});

test('an unknown capability is a warning, not an error', () => {
  const spec = minimalSpec();
  spec.process!.capabilities!.bounding!.push('CAP_NOT_A_THING');
  const r = runIn('true', spec);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, 'CAP_NOT_A_THING');
});

test('without process.user.umask the process keeps the umask berth was started with', () => {
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', 'umask'];
  const b = makeBundle(spec);
  try {
    const r = spawnSync('/bin/sh', ['-c', `umask 0037; exec "$0" --root "$1" run --bundle "$2" "$3"`, berthBin, b.root, b.dir, uniqueId('umask')], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.trim(), '0037');
  } finally {
    b.cleanup();
  }
});

test('uid, gid, additional groups and umask', () => {
  const spec = minimalSpec();
  spec.process!.user = { uid: 1234, gid: 2345, additionalGids: [7, 8], umask: 0o027 };
  const r = runIn('id -u; id -g; cat /proc/self/status | grep ^Groups; umask', spec);
  assert.is(r.status, 0, r.stderr);
  const [uid, gid, groups, umask] = r.stdout.trim().split('\n');
  assert.is(uid, '1234');
  assert.is(gid, '2345');
  assert.match(groups!, /Groups:\s+7 8/);
  assert.is(umask, '0027');
});

test('rlimits, oom_score_adj, cwd and env', () => {
  const spec = minimalSpec();
  spec.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 512, hard: 1024 }];
  spec.process!.oomScoreAdj = 500;
  spec.process!.cwd = '/tmp';
  spec.process!.env!.push('GREETING=hello there');
  const r = runIn('ulimit -n; ulimit -Hn; cat /proc/self/oom_score_adj; pwd; echo "$GREETING"', spec);
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n'), ['512', '1024', '500', '/tmp', 'hello there']);
});

test('no fd above 2 reaches the process, and signals are reset', () => {
  const r = runIn('ls /proc/self/fd | tr "\\n" " "; grep -E "^Sig(Blk|Ign)" /proc/self/status | tr -s "\\t" " "');
  assert.is(r.status, 0, r.stderr);
  const [fds] = r.stdout.split('\n');
  // 0 1 2, plus the fd ls itself opened to read the directory
  assert.equal(fds!.trim().split(' ').map(Number).filter((n) => n > 2).length, 1, fds);
  assert.match(r.stdout, 'SigBlk: 0000000000000000');
});

test('hostname and domainname', () => {
  const r = runIn('hostname; cat /proc/sys/kernel/domainname', minimalSpec({ hostname: 'h1', domainname: 'example.org' }));
  assert.is(r.stdout.trim(), 'h1\nexample.org', r.stderr);
});

test('a new session keyring unless --no-new-keyring', () => {
  const r = runIn('cat /proc/self/status | grep -c . >/dev/null; cat /proc/keys 2>/dev/null | grep -c _ses || true');
  assert.is(r.status, 0, r.stderr);
});

test('user namespace: the process sees the mapped ids', () => {
  const spec = minimalSpec({
    linux: {
      namespaces: [{ type: 'user' }, { type: 'mount' }, { type: 'pid' }, { type: 'uts' }, { type: 'ipc' }],
      uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
    },
  });
  const r = runIn('cat /proc/self/uid_map /proc/self/gid_map; id -u', spec, 'userns');
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
  assert.equal(lines, ['0 100000 65536', '0 100000 65536', '0']);
});

test.run();
