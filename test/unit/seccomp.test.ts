import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/errors.js';
import { needsEnosysStub, withEnosysStub } from '../../src/seccomp/enosys-stub.js';
import { compileSeccompProgram, seccompFilterInput } from '../../src/seccomp/index.js';
import type { Seccomp, Spec } from '../../src/spec/types.js';
import { native } from '../../src/sys/addon.js';
import type { NativeAddon, NativeSeccompFilter } from '../../src/sys/native.js';
import { runSeccompProgram } from '../helpers/bpf-run.js';

const repoRoot = path.resolve(__dirname, '../../..');
const ALLOW = 0x7fff0000;
const errno = (e: number) => (0x00050000 | e) >>> 0;

/** The JSON path of the ConfigError `f` throws ('none' when it throws nothing). */
function failurePath(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.jsonPath;
    throw e;
  }
  return 'none';
}

// ---- mapping (pure) ----

test('actions become libseccomp values; ERRNO and TRACE default to EPERM', () => {
  const names = ['SCMP_ACT_KILL', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE', 'SCMP_ACT_LOG', 'SCMP_ACT_ALLOW'];
  const { filter } = seccompFilterInput({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: names.map((action, i) => ({ names: [`s${i}`], action })) });
  assert.equal(filter.rules.map((r) => r.action), [0, 0, 0x80000000, 0x00030000, 0x00050001, 0x7ff00001, 0x7ffc0000, ALLOW]);
});

test('errnoRet and defaultErrnoRet fold into the action value', () => {
  const { filter } = seccompFilterInput({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 38,
    syscalls: [
      { names: ['a'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
      { names: ['b'], action: 'SCMP_ACT_TRACE', errnoRet: 0 },
      { names: ['c'], action: 'SCMP_ACT_ERRNO', errnoRet: 65535 },
    ],
  });
  assert.is(filter.defaultAction, errno(38));
  assert.equal(filter.rules.map((r) => r.action), [errno(13), 0x7ff00000, 0x0005ffff]);
});

test('each syscall name is one rule, remembered with its JSON path', () => {
  const input = seccompFilterInput({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }, { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
  });
  assert.equal(input.filter.rules.map((r) => r.syscall), ['read', 'write', 'kill']);
  assert.equal(input.rulePaths, ['/linux/seccomp/syscalls/0/names/0', '/linux/seccomp/syscalls/0/names/1', '/linux/seccomp/syscalls/1/names/0']);
});

test('architectures take libseccomp names; none listed means none added', () => {
  const { filter } = seccompFilterInput({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_LOONGARCH64'] });
  assert.equal(filter.architectures, ['x86_64', 'x86', 'x32', 'aarch64', 'mipsel64n32', 'loongarch64']);
  assert.equal(seccompFilterInput({ defaultAction: 'SCMP_ACT_ALLOW' }).filter.architectures, []);
});

test('flags become seccomp(2) bits; TSYNC is 0; WAIT_KILLABLE_RECV is dropped with a warning', () => {
  const a = seccompFilterInput({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC'] });
  assert.is(a.flags, 2 | 4);
  assert.equal(a.warnings, []);
  const b = seccompFilterInput({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] });
  assert.is(b.flags, 2);
  assert.is(b.warnings.length, 1);
  assert.match(b.warnings[0]!, '/linux/seccomp/flags/1');
});

test('argument values travel as exact decimal strings', () => {
  const { filter } = seccompFilterInput({
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{
      names: ['personality'],
      action: 'SCMP_ACT_ERRNO',
      args: [
        { index: 0, value: 4294967295, op: 'SCMP_CMP_EQ' },
        // JSON.parse('18446744073709551615') is 2^64: the all-ones mask it must have been.
        { index: 1, value: JSON.parse('18446744073709551615') as number, valueTwo: 8, op: 'SCMP_CMP_MASKED_EQ' },
      ],
    }],
  });
  assert.equal(filter.rules[0]!.args, [
    { index: 0, op: 4, value: '4294967295', valueTwo: '0' },
    { index: 1, op: 7, value: '18446744073709551615', valueTwo: '8' },
  ]);
});

test('operators take libseccomp numbers', () => {
  const ops = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'];
  const { filter } = seccompFilterInput({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['x'], action: 'SCMP_ACT_LOG', args: ops.map((op, i) => ({ index: i % 6, value: 1, op })) }] });
  assert.equal(filter.rules[0]!.args.map((a) => a.op), [1, 2, 3, 4, 5, 6, 7]);
});

test('refusals are ConfigErrors naming the JSON path', () => {
  const base: Seccomp = { defaultAction: 'SCMP_ACT_ALLOW' };
  const rule = (r: object): Seccomp => ({ ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO' }, { names: ['x'], action: 'SCMP_ACT_ERRNO', ...r }] });
  const cases: [Seccomp, string][] = [
    [{ defaultAction: 'SCMP_ACT_NOPE' }, '/linux/seccomp/defaultAction'],
    [{ defaultAction: 'SCMP_ACT_NOTIFY' }, '/linux/seccomp/defaultAction'],
    [{ defaultAction: 'SCMP_ACT_KILL', defaultErrnoRet: 1 }, '/linux/seccomp/defaultErrnoRet'],
    [{ ...base, flags: ['SECCOMP_FILTER_FLAG_LOG', 'X'] }, '/linux/seccomp/flags/1'],
    [{ ...base, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_VAX'] }, '/linux/seccomp/architectures/1'],
    [rule({ action: 'SCMP_ACT_NOTIFY' }), '/linux/seccomp/listenerPath'],
    [{ ...rule({ action: 'SCMP_ACT_NOTIFY', names: ['mkdir', 'sendmsg'] }), listenerPath: '/run/agent.sock' }, '/linux/seccomp/syscalls/1/names/1'],
    [rule({ action: 'SCMP_ACT_BOGUS' }), '/linux/seccomp/syscalls/1/action'],
    [rule({ action: 'SCMP_ACT_ALLOW', errnoRet: 1 }), '/linux/seccomp/syscalls/1/errnoRet'],
    [rule({ errnoRet: 65536 }), '/linux/seccomp/syscalls/1/errnoRet'],
    [rule({ names: ['read', ''] }), '/linux/seccomp/syscalls/1/names/1'],
    [rule({ names: [] }), '/linux/seccomp/syscalls/1/names'],
    [rule({ args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 0, value: 1, op: 'SCMP_CMP_BOGUS' }] }), '/linux/seccomp/syscalls/1/args/1/op'],
    [rule({ args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }), '/linux/seccomp/syscalls/1/args/0/index'],
    [rule({ args: [{ index: 0, value: -1, op: 'SCMP_CMP_EQ' }] }), '/linux/seccomp/syscalls/1/args/0/value'],
    [rule({ args: [{ index: 0, value: 1.5, op: 'SCMP_CMP_EQ' }] }), '/linux/seccomp/syscalls/1/args/0/value'],
    [rule({ args: [{ index: 0, value: 1, valueTwo: 2 ** 65, op: 'SCMP_CMP_MASKED_EQ' }] }), '/linux/seccomp/syscalls/1/args/0/valueTwo'],
  ];
  for (const [profile, where] of cases) assert.is(failurePath(() => seccompFilterInput(profile)), where, JSON.stringify(profile));
});

test('SCMP_ACT_NOTIFY: the filter gets a listener (NEW_LISTENER), listener-only flags then apply', () => {
  const NEW_LISTENER = 1 << 3;
  const WAIT_KILLABLE_RECV = 1 << 5;
  const notify: Seccomp = {
    defaultAction: 'SCMP_ACT_ALLOW',
    listenerPath: '/run/agent.sock',
    flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],
    syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }],
  };
  const withListener = seccompFilterInput(notify);
  assert.is(withListener.flags, NEW_LISTENER | WAIT_KILLABLE_RECV);
  assert.is(withListener.filter.rules[0]!.action, 0x7fc00000);
  assert.equal(withListener.warnings, []);
  // A listenerPath without any notify rule: no listener, as with runc; the flag is dropped with a warning.
  const none = seccompFilterInput({ ...notify, syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] });
  assert.is(none.flags, 0);
  assert.match(none.warnings.join('\n'), 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored');
});

// ---- compileSeccompProgram with a stand-in addon ----

function fakeAddon(compile: (f: NativeSeccompFilter) => ReturnType<NativeAddon['compileSeccomp']>) {
  const calls: NativeSeccompFilter[] = [];
  return { calls, addon: { compileSeccomp: (f: NativeSeccompFilter) => (calls.push(f), compile(f)) } };
}

const twoRules: Seccomp = {
  defaultAction: 'SCMP_ACT_ERRNO',
  architectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  flags: ['SECCOMP_FILTER_FLAG_LOG'],
  syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }, { names: ['write', 'futex_waitv_2099'], action: 'SCMP_ACT_ALLOW' }],
};

test('one compile per call; bpf and flags pass through; unknown syscalls become one warning', () => {
  const bpf = Buffer.alloc(16, 1);
  const { calls, addon } = fakeAddon(() => ({ bpf, unknownSyscalls: ['futex_waitv_2099'], lastSyscalls: [] }));
  const p = compileSeccompProgram(twoRules, addon);
  assert.is(calls.length, 1);
  assert.is(p.bpf, bpf);
  assert.is(p.flags, 2);
  assert.is(p.warnings.length, 1);
  assert.match(p.warnings[0]!, 'futex_waitv_2099');
});

test('addon errors are mapped back to the JSON path of the rule or architecture', () => {
  const failing = (props: object) => fakeAddon(() => {
    throw Object.assign(new Error('seccomp: cannot add the rule for syscall "futex_waitv_2099": Invalid argument'), props);
  }).addon;
  assert.is(failurePath(() => compileSeccompProgram(twoRules, failing({ ruleIndex: 2 }))), '/linux/seccomp/syscalls/1/names/1');
  assert.is(failurePath(() => compileSeccompProgram(twoRules, failing({ architectureIndex: 1 }))), '/linux/seccomp/architectures/1');
  assert.is(failurePath(() => compileSeccompProgram(twoRules, failing({}))), '/linux/seccomp');
  try {
    compileSeccompProgram(twoRules, failing({ ruleIndex: 0 }));
  } catch (e) {
    assert.is((e as Error).message, 'config.json /linux/seccomp/syscalls/0/names/0: cannot add the rule for syscall "futex_waitv_2099": Invalid argument');
  }
  // A TypeError is the mapper's bug, not the config's: it is not dressed up as a ConfigError.
  const typeError = fakeAddon(() => { throw new TypeError('compileSeccomp: filter.rules[0].action must be a number'); }).addon;
  assert.throws(() => compileSeccompProgram(twoRules, typeError), (e: unknown) => e instanceof TypeError);
});

// ---- the real addon, when it has been built ----

const addonPath = path.join(repoRoot, 'native/build/Release/berth.node');

/** sock_filter instructions: { code: u16, jt: u8, jf: u8, k: u32 }, native endian. */
function instructions(bpf: Buffer): { code: number; k: number }[] {
  const out = [];
  for (let off = 0; off < bpf.length; off += 8) out.push({ code: bpf.readUInt16LE(off), k: bpf.readUInt32LE(off + 4) });
  return out;
}
const BPF_RET_K = 0x06;
const BPF_JMP_JEQ_K = 0x15;
const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_I386 = 0x40000003;
const returns = (bpf: Buffer) => new Set(instructions(bpf).filter((i) => i.code === BPF_RET_K).map((i) => i.k));
const compared = (bpf: Buffer) => new Set(instructions(bpf).filter((i) => i.code === BPF_JMP_JEQ_K).map((i) => i.k));

if (fs.existsSync(addonPath) && process.arch === 'x64') {
  const addon = native();

  test('addon: the Docker profile from the engine contract compiles to whole BPF instructions', () => {
    const spec = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/engine-configs/docker-run-d.config.json'), 'utf8')) as Spec;
    const p = compileSeccompProgram(spec.linux!.seccomp!, addon);
    assert.ok(p.bpf.length > 8 * 100, `only ${p.bpf.length} bytes`);
    assert.is(p.bpf.length % 8, 0);
    assert.is(p.flags, 0);
    // Its three architectures are checked, and its default (ERRNO, EPERM) is returned.
    const arches = compared(p.bpf);
    assert.ok(arches.has(AUDIT_ARCH_X86_64) && arches.has(AUDIT_ARCH_I386));
    assert.ok(returns(p.bpf).has(errno(1)));
  });

  test('addon: the native architecture stays when others are listed', () => {
    const p = compileSeccompProgram({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86'], syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] }, addon);
    const arches = compared(p.bpf);
    assert.ok(arches.has(AUDIT_ARCH_X86_64), 'x86_64 missing');
    assert.ok(arches.has(AUDIT_ARCH_I386), 'x86 missing');
  });

  test('addon: errno values and the default action reach the program', () => {
    const p = compileSeccompProgram({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, syscalls: [{ names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' }, { names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] }, addon);
    const r = returns(p.bpf);
    assert.ok(r.has(errno(38)) && r.has(errno(13)) && r.has(ALLOW), [...r].map((k) => k.toString(16)).join(' '));
  });

  test('addon: an unknown syscall is skipped and reported; a known one on another arch is kept', () => {
    const p = compileSeccompProgram({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'berth_no_such_syscall', 'socketcall'], action: 'SCMP_ACT_ERRNO' }] }, addon);
    assert.equal(p.warnings, ["/linux/seccomp/syscalls: skipped, not known to this host's libseccomp: berth_no_such_syscall"]);
    assert.ok(returns(p.bpf).has(errno(1)));
  });

  test('addon: a rule that repeats the default action is skipped, not refused', () => {
    // (read has the lowest number: the ENOSYS prefix, which counts every name, stays the same)
    const plain: Seccomp = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['mkdirat'], action: 'SCMP_ACT_ALLOW' }] };
    const redundant: Seccomp = { ...plain, syscalls: [...plain.syscalls!, { names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] };
    assert.equal(compileSeccompProgram(redundant, addon).bpf, compileSeccompProgram(plain, addon).bpf);
  });

  test('addon: several comparisons of one argument compile (one rule each, as runc)', () => {
    const p = compileSeccompProgram({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 0x0aaa, op: 'SCMP_CMP_EQ' }, { index: 0, value: 0x0bbb, op: 'SCMP_CMP_EQ' }] }],
    }, addon);
    const k = compared(p.bpf);
    assert.ok(k.has(0x0aaa) && k.has(0x0bbb));
  });

  test('addon: 64-bit values are compared in both halves', () => {
    const p = compileSeccompProgram({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 0x1234_0000_5678, op: 'SCMP_CMP_EQ' }] }],
    }, addon);
    const k = compared(p.bpf);
    assert.ok(k.has(0x1234) && k.has(0x5678));
  });

  test('addon: a libseccomp refusal names the rule and carries errno', () => {
    // No spec input makes libseccomp refuse a rule, so corrupt one operator on the way in.
    const corrupting = { compileSeccomp: (f: NativeSeccompFilter) => addon.compileSeccomp({ ...f, rules: f.rules.map((r, i) => (i === 1 ? { ...r, args: [{ ...r.args[0]!, op: 99 }] } : r)) }) };
    const profile: Seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] }] };
    assert.is(failurePath(() => compileSeccompProgram(profile, corrupting)), '/linux/seccomp/syscalls/0/names/1');
    try {
      addon.compileSeccomp({ defaultAction: ALLOW, architectures: [], rules: [{ syscall: 'read', action: errno(1), args: [{ index: 0, op: 99, value: '1', valueTwo: '0' }] }] });
      assert.unreachable('compiled an invalid operator');
    } catch (e) {
      const err = e as Error & { ruleIndex?: number; code?: string };
      assert.is(err.ruleIndex, 0);
      assert.is(err.code, 'EINVAL');
      assert.match(err.message, '"read"');
    }
  });

  test('addon: a malformed filter object is a TypeError naming the field', () => {
    assert.throws(() => addon.compileSeccomp({ defaultAction: ALLOW, architectures: [], rules: [{ syscall: 'read', action: errno(1), args: [{ index: 0, op: 4, value: '-1', valueTwo: '0' }] }] }),
      (e: unknown) => e instanceof TypeError && /rules\[0\]\.args\[0\]\.value/.test((e as Error).message));
    assert.throws(() => addon.compileSeccomp({ defaultAction: ALLOW, architectures: [7], rules: [] } as unknown as NativeSeccompFilter),
      (e: unknown) => e instanceof TypeError && /architectures\[0\]/.test((e as Error).message));
  });
} else {
  console.log(`seccomp: ${addonPath} not built (or not x86_64); addon tests not run`);
}


// ---- the ENOSYS prefix for syscalls newer than the profile ----

const X86_64 = 0xc000003e;
const X32 = 0x4000003e;
const AARCH64 = 0xc00000b7;
const RET_EPERM = 0x00050001;
const RET_ENOSYS = 0x00050026;
/** A stand-in for libseccomp's program: deny everything with EPERM. */
const denyAll = Buffer.alloc(8);
denyAll.writeUInt16LE(0x06, 0);
denyAll.writeUInt32LE(RET_EPERM, 4);

test('ENOSYS above the highest syscall the profile names, per architecture; the filter decides the rest', () => {
  const prog = withEnosysStub(denyAll, [{ arch: X86_64, last: 434 }, { arch: AARCH64, last: 300 }]);
  assert.is(runSeccompProgram(prog, 435, X86_64), RET_ENOSYS, 'clone3 after a 5.2-era profile');
  assert.is(runSeccompProgram(prog, 434, X86_64), RET_EPERM, 'the last named one is the filter\'s');
  assert.is(runSeccompProgram(prog, 165, X86_64), RET_EPERM, 'an old unlisted syscall keeps the default action');
  assert.is(runSeccompProgram(prog, 301, AARCH64), RET_ENOSYS);
  assert.is(runSeccompProgram(prog, 435, 0x40000003), RET_EPERM, 'an architecture outside the filter is the filter\'s');
  assert.is(runSeccompProgram(prog, 0x40000000 + 1, X86_64), RET_EPERM, 'x32 numbers without x32 in the profile: the filter\'s');
});

test('x32 numbers compare with the highest x32 syscall', () => {
  const prog = withEnosysStub(denyAll, [{ arch: X86_64, last: 434 }, { arch: X32, last: 0x40000000 + 434 }]);
  assert.is(runSeccompProgram(prog, 0x40000000 + 435, X86_64), RET_ENOSYS);
  assert.is(runSeccompProgram(prog, 0x40000000 + 10, X86_64), RET_EPERM);
  assert.is(runSeccompProgram(prog, 435, X86_64), RET_ENOSYS);
});

test('the prefix is only for denying default actions, and never when nothing is named', () => {
  assert.ok(needsEnosysStub(RET_EPERM));
  assert.ok(needsEnosysStub(0)); // SCMP_ACT_KILL
  assert.not.ok(needsEnosysStub(0x7fff0000)); // ALLOW
  assert.not.ok(needsEnosysStub(0x7ffc0000)); // LOG
  assert.not.ok(needsEnosysStub(RET_ENOSYS));
  assert.not.ok(needsEnosysStub(0x7ff00001)); // TRACE
  assert.is(withEnosysStub(denyAll, [{ arch: X86_64, last: -1 }]), denyAll);
});

test('compileSeccompProgram puts the prefix in front for an errno default only', () => {
  const bpf = Buffer.from(denyAll);
  const lastSyscalls = [{ arch: X86_64, last: 1 }];
  const deny = compileSeccompProgram(twoRules, fakeAddon(() => ({ bpf, unknownSyscalls: [], lastSyscalls })).addon);
  assert.is(runSeccompProgram(deny.bpf, 2, X86_64), RET_ENOSYS);
  assert.equal(deny.bpf.subarray(deny.bpf.length - 8), bpf);
  const allow = compileSeccompProgram({ ...twoRules, defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO' }] },
    fakeAddon(() => ({ bpf, unknownSyscalls: [], lastSyscalls })).addon);
  assert.is(allow.bpf, bpf);
});

test.run();
