// `berth check` on this machine, whose answers are known: a hybrid cgroup host, CAP_SYS_RESOURCE
// missing from the bounding set, no AppArmor or SELinux, a kernel new enough for everything.
// And `check` agrees with `features` on what berth supports.

import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth } from '../helpers/berth.js';

interface JsonFact { name: string; status: string; detail: string; advice: string; required: boolean }

function checkJson(): { ready: boolean; facts: JsonFact[] } {
  const r = berth('/run/berth-test-check', ['check', '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const fact = (facts: JsonFact[], name: string): JsonFact => {
  const f = facts.find((x) => x.name === name);
  assert.ok(f, `no fact ${name}`);
  return f!;
};

const unified = fs.existsSync('/sys/fs/cgroup/unified/cgroup.controllers');
const boundingHasSysResource = (() => {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return Boolean(BigInt('0x' + m![1]) & (1n << 24n));
})();

test('check on this host: ready, hybrid cgroups, CAP_SYS_RESOURCE missing, no AppArmor or SELinux', () => {
  const { ready, facts } = checkJson();
  assert.ok(ready);
  if (unified) assert.match(fact(facts, 'cgroup-mode').detail, /^hybrid/);
  const caps = fact(facts, 'capabilities');
  if (!boundingHasSysResource) {
    assert.is(caps.status, 'warn');
    assert.match(caps.detail, /CAP_SYS_RESOURCE/);
  }
  if (!fs.existsSync('/sys/module/apparmor')) assert.equal([fact(facts, 'apparmor').status, fact(facts, 'apparmor').detail], ['ok', 'not enabled']);
  if (!fs.existsSync('/sys/fs/selinux/enforce')) assert.equal([fact(facts, 'selinux').status, fact(facts, 'selinux').detail], ['ok', 'not enabled']);
  // The kernel interfaces berth needs are there: containers run on this machine.
  for (const name of ['root', 'clone3', 'openat2', 'close_range', 'pidfd', 'cgroup-create']) assert.is(fact(facts, name).status, 'ok', name);
  for (const f of facts) assert.ok(['ok', 'warn', 'missing'].includes(f.status) && f.advice.length > 0, f.name);
});

test('check agrees with features: seccomp notify, idmapped mounts, AppArmor, SELinux', () => {
  const { facts } = checkJson();
  const r = berth('/run/berth-test-check', ['features']);
  assert.is(r.status, 0, r.stderr);
  const linux = JSON.parse(r.stdout).linux;
  const notify = facts.find((f) => f.name === 'seccomp-notify');
  assert.is(Boolean(notify), linux.seccomp.actions.includes('SCMP_ACT_NOTIFY'));
  assert.is(notify!.status, 'ok', 'this kernel has SECCOMP_RET_USER_NOTIF');
  const idmap = facts.find((f) => f.name === 'idmapped-mounts');
  assert.is(Boolean(idmap), linux.mountExtensions.idmap.enabled);
  assert.is(idmap!.status, 'ok');
  // features reports AppArmor and SELinux as this host has them, and so does check.
  assert.is(linux.apparmor.enabled, fact(facts, 'apparmor').detail === 'enabled');
  assert.is(linux.selinux.enabled, fact(facts, 'selinux').detail !== 'not enabled');
});

test('check text: one line per fact, status first, and the verdict last; a bad --format is refused', () => {
  const r = berth('/run/berth-test-check', ['check']);
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.is(lines.length, checkJson().facts.length + 1);
  for (const line of lines.slice(0, -1)) assert.match(line, /^(ok|warn|missing) +\S+ +.+ -- .+/);
  assert.is(lines.at(-1), 'berth can run containers on this host');
  const bad = berth('/run/berth-test-check', ['check', '--format', 'yaml']);
  assert.is.not(bad.status, 0);
  assert.match(bad.stderr, /invalid format option: \\?"yaml/);
  assert.is(bad.stdout, '');
});

test.run();
