// The CVE-2019-5736 class against exec: a privileged container (every capability, including
// CAP_SYS_PTRACE and CAP_SYS_ADMIN, and no user namespace) watches its /proc while berth execs
// into it, and tries to get a writable handle to berth: /proc/PID/exe and /proc/PID/map_files/*
// opened for writing on sight, and a handle kept until berth has exited and then reopened for
// writing through /proc/self/fd. dist/berth and dist/berth.node must come out unchanged, and no
// open for writing may have succeeded (container/sealed-exe.ts; docs/ARCHITECTURE.md "Threat model").
// The host's shared libraries the child maps (libc, libstdc++, libseccomp, the loader) count
// too: a container that could write them would own the host as surely. The same attack is made
// during a create whose config joins the attacker's pid namespace.

import type { SpawnSyncReturns } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, berthBin, makeBundle, sleepMs, stateOf, uniqueId } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';

const hash = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

// The attacker is the container's init (pid 1); its redirections go through `command exec` and
// `true`, never a special builtin, whose failed redirection would end the shell (and the container). A process whose exe is not the rootfs's busybox
// can only be berth's child (found without forking, so the scan is fast enough to meet it).
const ATTACK = `
found=0
while [ ! -e /shared/stop ]; do
  for p in /proc/[0-9]*; do
    [ "$p" = /proc/1 ] && continue
    command exec 5<"$p/exe" 2>/dev/null || continue
    if [ ! "$p/exe" -ef /bin/busybox ]; then
      echo "saw $p" >> /shared/log
      true 2>/dev/null >>"$p/exe" && echo "EXE-OPENED-FOR-WRITING $p" >> /shared/log
      for f in "$p"/map_files/*; do
        [ "$f" -ef /bin/busybox ] && continue
        if true 2>/dev/null >>"$f"; then
          case "$(readlink "$f")" in
            *berth*) echo "MAP-OPENED-FOR-WRITING $(readlink "$f")" >> /shared/log ;;
            *) echo "LIBRARY-OPENED-FOR-WRITING $(readlink "$f")" >> /shared/log ;;
          esac
        fi
      done
      if [ $found = 0 ]; then exec 7<&5; found=1; fi
    fi
    exec 5<&-
  done
done
if [ $found = 1 ]; then
  if true 2>/dev/null >>/proc/self/fd/7; then echo REOPENED-FOR-WRITING >> /shared/log; else echo reopen-refused >> /shared/log; fi
fi
echo done >> /shared/log
`;

/**
 * Runs the attacker (a privileged container) and lets `provoke` start berth processes it can
 * see, until it has met three; then checks that nothing was opened for writing, that the kept
 * handle cannot be reopened for writing after berth exited, and that berth is unchanged.
 */
function attack(tag: string, provoke: (root: string, attackerId: string, attackerPid: number, round: number) => SpawnSyncReturns<string>): void {
  const addonFile = path.join(path.dirname(berthBin), 'berth.node');
  const before = [hash(berthBin), hash(addonFile)];
  const lastCap = Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  const names = fs.readFileSync('/usr/include/linux/capability.h', 'utf8').match(/#define (CAP_[A-Z_]+)\s+(\d+)/g)!
    .map((l) => l.split(/\s+/)).filter(([, , n]) => Number(n) <= lastCap && Number(n) !== 24).map(([, name]) => name!);
  assert.ok(names.includes('CAP_SYS_PTRACE') && names.includes('CAP_SYS_ADMIN'));
  const spec = minimalSpec();
  spec.process!.args = ['sh', '-c', ATTACK];
  // CAP_SYS_RESOURCE (24) is left out only because this host's bounding set lacks it.
  spec.process!.capabilities = { bounding: names, effective: names, permitted: names };
  const b = makeBundle(spec);
  const shared = path.join(b.dir, 'shared');
  fs.mkdirSync(shared);
  const config = JSON.parse(fs.readFileSync(path.join(b.dir, 'config.json'), 'utf8'));
  config.mounts.push({ destination: '/shared', type: 'bind', source: shared, options: ['rbind', 'rw'] });
  fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(config));
  const id = uniqueId(tag);
  try {
    const r = berth(b.root, ['run', '-d', '--bundle', b.dir, id]);
    assert.is(r.status, 0, r.stderr);
    const pid = stateOf(b.root, id).pid;
    let sightings = 0;
    for (let i = 0; i < 60 && sightings < 3; i++) {
      const e = provoke(b.root, id, pid, i);
      const log = fs.existsSync(path.join(shared, 'log')) ? fs.readFileSync(path.join(shared, 'log'), 'utf8') : '';
      assert.is(e.status, 0, e.stderr + log);
      sightings = (log.match(/^saw /gm) ?? []).length;
    }
    // berth has exited: the attacker now tries the handle it kept.
    fs.writeFileSync(path.join(shared, 'stop'), '');
    for (let i = 0; i < 500 && stateOf(b.root, id).status !== 'stopped'; i++) sleepMs(10);
    const log = fs.readFileSync(path.join(shared, 'log'), 'utf8');
    assert.ok(sightings > 0, `the attacker never met berth's process, so nothing was tested:\n${log}`);
    assert.not.match(log, 'OPENED-FOR-WRITING', log);
    assert.match(log, /^reopen-refused$/m);
    assert.equal([hash(berthBin), hash(addonFile)], before, 'dist/berth and dist/berth.node unchanged');
  } finally {
    berth(b.root, ['delete', '--force', id]);
    b.cleanup();
  }
}

test('a privileged container cannot get a writable handle to berth or its libraries during exec', () => {
  attack('cve-exec', (root, id) => berth(root, ['exec', id, 'true']));
});

test('... nor during a create that joins its pid namespace', () => {
  attack('cve-create', (root, _id, pid, round) => {
    const spec = minimalSpec();
    spec.process!.args = ['true'];
    spec.linux!.namespaces = spec.linux!.namespaces!.map((n) => (n.type === 'pid' ? { type: 'pid', path: `/proc/${pid}/ns/pid` } : n));
    const joiner = makeBundle(spec);
    try {
      return berth(joiner.root, ['run', '--bundle', joiner.dir, uniqueId(`cve-join-${round}`)]);
    } finally {
      joiner.cleanup();
    }
  });
});

test.run();
