import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/errors.js';
import { archName, seccompFilterInput } from '../../src/seccomp/index.js';

test('actions fold errno into libseccomp values; EPERM is the default errno', () => {
  const { filter } = seccompFilterInput({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['a', 'b'], action: 'SCMP_ACT_ALLOW' },
      { names: ['c'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      { names: ['d'], action: 'SCMP_ACT_KILL_PROCESS' },
    ],
  });
  assert.is(filter.defaultAction, 0x00050001);
  assert.equal(filter.rules.map((r) => [r.syscall, r.action]), [['a', 0x7fff0000], ['b', 0x7fff0000], ['c', 0x00050026], ['d', 0x80000000]]);
});

test('defaultErrnoRet, architectures and flags', () => {
  const { filter, flags } = seccompFilterInput({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 38,
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X32'],
    flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC'],
  });
  assert.is(filter.defaultAction, 0x00050026);
  assert.equal(filter.architectures, ['x86_64', 'x32']);
  assert.is(flags, 6);
  assert.is(archName('SCMP_ARCH_AARCH64'), 'aarch64');
});

test('64-bit argument values survive as decimal strings', () => {
  const { filter } = seccompFilterInput({
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 4294967295, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] }],
  });
  assert.equal(filter.rules[0]!.args, [{ index: 0, op: 7, value: '4294967295', valueTwo: '0' }]);
});

test('bad names are ConfigErrors with the JSON path', () => {
  const path = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof ConfigError ? e.jsonPath : 'other';
    }
    return 'none';
  };
  assert.is(path(() => seccompFilterInput({ defaultAction: 'SCMP_ACT_NOPE' })), '/linux/seccomp/defaultAction');
  assert.is(path(() => seccompFilterInput({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['X'] })), '/linux/seccomp/flags/0');
  assert.is(path(() => seccompFilterInput({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['x'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_BOGUS' }] }] })), '/linux/seccomp/syscalls/0/args/0/op');
  assert.is(path(() => seccompFilterInput({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['x'], action: 'SCMP_ACT_NOTIFY' }] })), '/linux/seccomp/syscalls/0/action');
});

test.run();
