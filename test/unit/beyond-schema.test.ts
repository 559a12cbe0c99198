// Values berth takes beyond the official schema, because runc does and engines send them:
// rootfsPropagation's recursive words (a warning naming the path, and the same plan as the
// plain word), and an empty device rule type (all devices, as runc reads it).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildLaunchPlan } from '../../src/plan/build.js';
import { MS } from '../../src/plan/linux-constants.js';
import { OpCode } from '../../src/plan/ops.js';
import { deviceRules } from '../../src/cgroups/resources/devices-rules.js';
import { checkSemantics } from '../../src/spec/semantic.js';
import type { Spec } from '../../src/spec/types.js';
import { validateConfigSchema } from '../../src/spec/validate.js';
import { planInput } from '../helpers/plan-input.js';
import { minimalSpec } from '../helpers/specs.js';

const withPropagation = (p: string): Spec => minimalSpec({ linux: { namespaces: [{ type: 'mount' }, { type: 'pid' }, { type: 'uts' }], rootfsPropagation: p } });

/** The propagation changes of / (mount ops without a source on "/"), before and after pivot_root. */
function rootPropagationOps(spec: Spec): { before: number[]; after: number[] } {
  const ops = buildLaunchPlan(planInput(spec)).ops;
  const pivot = ops.findIndex((o) => o.code === OpCode.PivotRoot);
  const onRoot = (list: typeof ops) => list.filter((o) => o.code === OpCode.Mount && !o.s?.[0] && o.s?.[1] === '/' && o.n![0]! & (MS.SHARED | MS.SLAVE | MS.PRIVATE | MS.UNBINDABLE)).map((o) => o.n![0]!);
  return { before: onRoot(ops.slice(0, pivot)), after: onRoot(ops.slice(pivot)) };
}

for (const word of ['private', 'shared', 'slave', 'unbindable']) {
  test(`rootfsPropagation r${word}: accepted with one warning naming the path, planned as ${word}`, () => {
    const spec = withPropagation(`r${word}`);
    validateConfigSchema(spec);
    const warnings = checkSemantics(spec);
    assert.is(warnings.length, 1);
    assert.is(warnings[0]!.jsonPath, '/linux/rootfsPropagation');
    assert.match(warnings[0]!.message, `config.json /linux/rootfsPropagation: "r${word}" is not one of the values runtime-spec lists`);
    assert.equal(rootPropagationOps(spec), rootPropagationOps(withPropagation(word)));
    assert.equal(checkSemantics(withPropagation(word)), [], 'the plain word needs no warning');
  });
}

test('rslave makes / a recursive slave before the rootfs is prepared; rshared shares it again after pivot_root', () => {
  assert.equal(rootPropagationOps(withPropagation('rslave')).before[0], MS.SLAVE | MS.REC);
  assert.equal(rootPropagationOps(withPropagation('rprivate')).before[0], MS.PRIVATE | MS.REC);
  assert.equal(rootPropagationOps(withPropagation('rshared')).after, [MS.SHARED | MS.REC]);
  assert.equal(rootPropagationOps(withPropagation('runbindable')).after, [MS.UNBINDABLE | MS.REC]);
});

test('an empty device rule type means all devices, as with runc', () => {
  const spec = minimalSpec({ linux: { namespaces: [{ type: 'mount' }, { type: 'uts' }], resources: { devices: [{ allow: true, type: '', access: 'rwm' }] } } });
  validateConfigSchema(spec);
  assert.equal(checkSemantics(spec), []);
  assert.is(deviceRules(spec.linux!.resources!.devices, [])[0]!.type, 'a');
});

test.run();
