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
  const docker = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/engine-configs/docker-run-d.config.json'), 'utf8')) as Spec;
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

test('SCMP_ACT_NOTIFY without a listenerPath is refused with its JSON path', () => {
  const spec = minimalSpec();
  spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] };
  const r = runIn('true', spec);
  assert.is.not(r.status, 0);
  assert.match(r.stderr, '/linux/seccomp/syscalls/0/action');
});

test('SCMP_ACT_KILL_PROCESS and SCMP_ACT_TRAP end the caller with SIGSYS', () => {
  for (const action of ['SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_TRAP']) {
    const spec = minimalSpec();
    spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action }] };
    // The subshell makes the call, so only it dies: 128 + SIGSYS (31).
    const r = runIn('(mkdir /tmp/k); echo status=$?', spec);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, 'status=159', action);
  }
});

test('SCMP_ACT_LOG allows the call', () => {
  const spec = minimalSpec();
  spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_LOG' }] };
  const r = runIn('mkdir /tmp/l && echo made', spec);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'made');
});

test('several comparisons of one argument: any of them matching applies the action (as runc)', () => {
  const spec = minimalSpec();
  spec.linux!.seccomp = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: 0, op: 'SCMP_CMP_EQ' }, { index: 1, value: 10, op: 'SCMP_CMP_EQ' }] }],
  };
  const r = runIn('kill -0 $$ 2>/dev/null || echo zero-denied; kill -10 $$ 2>/dev/null || echo ten-denied; sleep 10 & kill -15 $! && echo fifteen-allowed', spec);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'zero-denied');
  assert.match(r.stdout, 'ten-denied');
  assert.match(r.stdout, 'fifteen-allowed');
});

test('filter flags load; WAIT_KILLABLE_RECV without a listener is ignored with a warning', () => {
  const spec = minimalSpec();
  spec.linux!.seccomp = {
    defaultAction: 'SCMP_ACT_ALLOW',
    flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }],
  };
  const r = runIn('mkdir /tmp/f 2>&1; grep ^Seccomp: /proc/self/status', spec);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'Operation not permitted');
  assert.match(r.stdout, /Seccomp:\s+2/);
  assert.match(r.stderr, 'WAIT_KILLABLE_RECV');
});

test('an errno on an action that returns none is refused with its JSON path', () => {
  const spec = minimalSpec();
  spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }, { names: ['rmdir'], action: 'SCMP_ACT_KILL', errnoRet: 1 }] };
  const r = runIn('true', spec);
  assert.is.not(r.status, 0);
  assert.match(r.stderr, '/linux/seccomp/syscalls/1/errnoRet');
});

test.run();
