// Bugs the config.json fuzz (test/unit/config-fuzz.test.ts) found, one test each.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/errors.js';
import { seccompFilterInput } from '../../src/seccomp/index.js';
import { checkConfig, MAX_NESTING, parseConfigText } from '../../src/spec/load.js';
import { showValue, validateConfigSchema } from '../../src/spec/validate.js';
import { minimalSpec } from '../helpers/specs.js';

function deepArray(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

test('a deeply nested value where a string belongs is a ConfigError naming the path, not a stack overflow', () => {
  // showValue used JSON.stringify on the whole value: RangeError past ~10000 levels.
  const spec = minimalSpec() as unknown as { process: Record<string, unknown> };
  spec.process.cwd = deepArray(200_000);
  try {
    validateConfigSchema(spec);
    assert.unreachable('the schema must refuse it');
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.is((err as ConfigError).jsonPath, '/process/cwd');
    assert.match((err as ConfigError).message, 'config.json /process/cwd: [[[[');
  }
});

test('showValue cuts long and deep values short and still shows small ones whole', () => {
  assert.is(showValue({ a: [1, 'x'] }), '{"a":[1,"x"]}');
  assert.is(showValue(undefined), 'nothing');
  assert.is(showValue('x'.repeat(1 << 20)).length, 60);
  assert.is(showValue(deepArray(1_000_000)), '['.repeat(57) + '...');
});

test('a number beyond a double (1e400) is shown as Infinity, not as null', () => {
  const spec = parseConfigText('{"ociVersion":"1.3.0","root":{"path":"r"},"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","architectures":1e400}}}');
  try {
    validateConfigSchema(spec);
    assert.unreachable('the schema must refuse it');
  } catch (err) {
    assert.match((err as Error).message, 'config.json /linux/seccomp/architectures: Infinity is a number, but must be an array');
  }
});

test('config.json text nested deeper than the limit is refused with its line and column', () => {
  // JSON.parse takes seconds on a million levels; create used to sit through it.
  const deep = `{"ociVersion":"1.3.0","annotations":${'['.repeat(MAX_NESTING)}1${']'.repeat(MAX_NESTING)}}`;
  try {
    parseConfigText(deep);
    assert.unreachable('must be refused');
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.match((err as Error).message, /config\.json \/: is not usable JSON: line 1, column \d+: containers are nested more than 1000 levels deep/);
  }
  const ok = `{"a":${'['.repeat(MAX_NESTING - 1)}"[{"${']'.repeat(MAX_NESTING - 1)}}`;
  assert.ok(parseConfigText(ok), 'brackets inside strings do not count; the limit itself is fine');
});

test('a seccomp rule repeated thousands of times is compiled once', () => {
  // libseccomp merged every repeat into its tree: 24000 copies of one name took a minute.
  const input = seccompFilterInput({
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [
      { names: Array(5000).fill('socket'), action: 'SCMP_ACT_ERRNO' },
      { names: ['socket'], action: 'SCMP_ACT_ERRNO' },
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
      { names: ['socket'], action: 'SCMP_ACT_KILL', args: [{ index: 0, value: 2, op: 'SCMP_CMP_EQ' }] },
    ],
  });
  assert.equal(input.rulePaths, ['/linux/seccomp/syscalls/0/names/0', '/linux/seccomp/syscalls/2/names/0', '/linux/seccomp/syscalls/3/names/0']);
  assert.is(input.filter.rules.length, 3);
});

test('an unknown member of hooks that is not a list is ignored, not a TypeError', () => {
  // checkHooks walked every member of hooks as a list of hooks (seed 278227991, case 160).
  const spec = minimalSpec() as unknown as Record<string, unknown>;
  spec.hooks = { '\u0000': 1, vendorHooks: { path: 'x' }, poststop: [{ path: '/bin/true' }] };
  assert.is(checkConfig(spec).spec.hooks!.poststop!.length, 1);
});

test.run();
