// Plan steps that hand a descriptor to the parent: the terminal and the seccomp notify listener.
// Kept out of plan.test.ts on purpose (its own file, its own concern).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildLaunchPlan, type PlanInput } from '../../src/plan/build.js';
import { OpCode } from '../../src/plan/ops.js';
import { SyncMsg } from '../../src/sys/sync.js';
import { checkConsoleOptions, containerProcessState } from '../../src/container/fd-passing.js';
import { planInput } from '../helpers/plan-input.js';
import { minimalSpec } from '../helpers/specs.js';
import type { Spec } from '../../src/spec/types.js';

function plan(spec: Spec, extra: Partial<PlanInput> = {}) {
  return buildLaunchPlan(planInput(spec, extra));
}

const NEW_LISTENER = 1 << 3;
const bpf = new Uint8Array(8);

test('terminal: Console comes after pivot_root and before the read-only and masked paths, with size and uid', () => {
  const spec = minimalSpec();
  spec.process!.terminal = true;
  spec.process!.consoleSize = { height: 33, width: 111 };
  spec.process!.user = { uid: 1000, gid: 1000 };
  spec.linux!.maskedPaths = ['/proc/kcore'];
  spec.linux!.readonlyPaths = ['/proc/sys'];
  const codes = plan(spec).ops.map((o) => o.code);
  const consoleOp = plan(spec).ops.find((o) => o.code === OpCode.Console)!;
  assert.equal(consoleOp.n, [33, 111, 1000]);
  assert.equal(consoleOp.s, ['/dev/pts/ptmx', '/dev/console']);
  assert.ok(codes.indexOf(OpCode.PivotRoot) < codes.indexOf(OpCode.Console));
  assert.ok(codes.indexOf(OpCode.Console) < codes.indexOf(OpCode.ReadonlyPath));
  assert.ok(codes.indexOf(OpCode.Console) < codes.indexOf(OpCode.MaskPath));
  // setsid before TIOCSCTTY
  assert.ok(codes.indexOf(OpCode.Setsid) < codes.indexOf(OpCode.Console));
});

test('terminal: no consoleSize means size 0x0 (left alone); terminal false means no Console op', () => {
  const spec = minimalSpec();
  spec.process!.terminal = true;
  assert.equal(plan(spec).ops.find((o) => o.code === OpCode.Console)!.n, [0, 0, 0]);
  spec.process!.terminal = false;
  spec.process!.consoleSize = { height: 10, width: 10 };
  assert.not.ok(plan(spec).ops.some((o) => o.code === OpCode.Console));
});

test('seccomp with a listener: SeccompListener, before Ready even with noNewPrivileges', () => {
  for (const noNewPrivileges of [false, true]) {
    const spec = minimalSpec();
    spec.process!.noNewPrivileges = noNewPrivileges;
    const codes = plan(spec, { seccomp: { bpf, flags: NEW_LISTENER } }).ops.map((o) => o.code);
    assert.not.ok(codes.includes(OpCode.Seccomp));
    const ready = codes.findIndex((c, i) => c === OpCode.SendSync && plan(spec).ops[i]?.n?.[0] === SyncMsg.Ready);
    assert.ok(codes.indexOf(OpCode.SeccompListener) >= 0);
    assert.ok(codes.indexOf(OpCode.SeccompListener) < codes.indexOf(OpCode.WaitStart), `noNewPrivileges ${noNewPrivileges}`);
    assert.ok(ready < 0 || codes.indexOf(OpCode.SeccompListener) < ready);
    if (noNewPrivileges) assert.ok(codes.indexOf(OpCode.Prctl) < codes.indexOf(OpCode.SeccompListener), 'no_new_privs first');
  }
});

test('seccomp without a listener keeps its place: right before exec with noNewPrivileges', () => {
  const spec = minimalSpec();
  spec.process!.noNewPrivileges = true;
  const codes = plan(spec, { seccomp: { bpf, flags: 0 } }).ops.map((o) => o.code);
  assert.not.ok(codes.includes(OpCode.SeccompListener));
  assert.ok(codes.indexOf(OpCode.WaitStart) < codes.indexOf(OpCode.Seccomp));
});

test('console options follow runc: a terminal needs a socket unless run proxies it; a socket needs a terminal', () => {
  const tty = minimalSpec();
  tty.process!.terminal = true;
  assert.throws(() => checkConsoleOptions(tty, undefined, false), /cannot allocate tty/);
  checkConsoleOptions(tty, undefined, true);
  checkConsoleOptions(tty, '/run/c.sock', false);
  assert.throws(() => checkConsoleOptions(minimalSpec(), '/run/c.sock', false), /cannot use console socket/);
  checkConsoleOptions(minimalSpec(), undefined, false);
});

test('the container process state for a seccomp agent has the runtime-spec shape', () => {
  const spec = minimalSpec();
  spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/a.sock', listenerMetadata: 'meta' };
  spec.annotations = { a: 'b' };
  const s = containerProcessState(spec, 'c1', 42, '/b');
  assert.equal(s, {
    ociVersion: '1.3.0',
    fds: ['seccompFd'],
    pid: 42,
    metadata: 'meta',
    state: { ociVersion: '1.3.0', id: 'c1', status: 'creating', pid: 42, bundle: '/b', annotations: { a: 'b' } },
  });
});

test.run();
