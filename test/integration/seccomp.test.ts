// Seccomp profiles compiled by libseccomp and loaded by the child, observed from inside.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot, runIn } from '../helpers/berth.js';
import { minimalSpec } from '../helpers/specs.js';
import type { Spec } from '../../src/spec/types.js';

test('a denied syscall fails with the configured errno; the rest still works', () => {
  const spec = minimalSpec();
  spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
  const r = runIn('mkdir /tmp/x 2>&1; echo still here; grep ^Seccomp: /proc/self/status', spec);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'Permission denied');
  assert.match(r.stdout, 'still here');
  assert.match(r.stdout, /Seccomp:\s+2/);
});

test('the default action applies to unlisted syscalls, with defaultErrnoRet', () => {
  const spec = minimalSpec();
  spec.process!.noNewPrivileges = true;
  const docker = JSON.parse(fs.readFileSync(path.resolve(repoRoot, '../shared/reference/engine-contract/docker-run-d.config.json'), 'utf8')) as Spec;
  const profile = docker.linux!.seccomp!;
  // Docker's profile without "mkdir": the default (ERRNO, EPERM unless defaultErrnoRet) decides.
  profile.syscalls = profile.syscalls!.map((s) => ({ ...s, names: s.names.filter((n) => n !== 'mkdir' && n !== 'mkdirat') }));
  profile.defaultErrnoRet = 38; // ENOSYS
  spec.linux!.seccomp = profile;
  const r = runIn('mkdir /tmp/y 2>&1; echo ok', spec);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /Function not implemented|not implemented/);
  assert.match(r.stdout, 'ok');
});

test('argument conditions: only the matching call is denied', () => {
  const spec = minimalSpec();
  // kill(pid, 0) denied, any other signal allowed.
  spec.linux!.seccomp = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: 0, op: 'SCMP_CMP_EQ' }] }],
  };
  const r = runIn('kill -0 $$ 2>&1 && echo zero-allowed; sleep 10 & kill -9 $! && echo nine-allowed', spec);
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stdout, 'zero-allowed');
  assert.match(r.stdout, 'nine-allowed');
});

test('SCMP_ACT_NOTIFY is refused with its JSON path, not ignored', () => {
  const spec = minimalSpec();
  spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] };
  const r = runIn('true', spec);
  assert.is.not(r.status, 0);
  assert.match(r.stderr, '/linux/seccomp/syscalls/0/action');
});

test.run();
