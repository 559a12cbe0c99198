import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/errors.js';
import { checkSemantics } from '../../src/spec/semantic.js';
import { validateConfigSchema } from '../../src/spec/validate.js';
import type { Spec } from '../../src/spec/types.js';
import { minimalSpec } from '../helpers/specs.js';

function error(f: () => void): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no error');
}

test('schema errors name the JSON path, the value and the rule', () => {
  const spec = minimalSpec() as unknown as Record<string, any>;
  spec.process.user.uid = -5;
  const e = error(() => validateConfigSchema(spec));
  assert.is(e.jsonPath, '/process/user/uid');
  assert.match(e.message, '-5');
  assert.match(e.message, '>= 0');

  const missing = structuredClone(minimalSpec()) as unknown as Record<string, any>;
  delete missing.process.cwd;
  assert.is(error(() => validateConfigSchema(missing)).jsonPath, '/process/cwd');

  const badEnum = structuredClone(minimalSpec()) as unknown as Record<string, any>;
  badEnum.linux.namespaces[0].type = 'pidd';
  const en = error(() => validateConfigSchema(badEnum));
  assert.is(en.jsonPath, '/linux/namespaces/0/type');
  assert.match(en.message, '"pidd" must be one of');
});

test('the configs real engines write are valid, whatever 1.x version they claim', () => {
  const dir = path.resolve(__dirname, '../../../../shared/reference/engine-contract');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.config.json'))) {
    const spec = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Spec;
    validateConfigSchema(spec);
    checkSemantics(spec);
  }
});

const semantic = (mut: (s: Spec) => void) => {
  const s = minimalSpec();
  mut(s);
  return error(() => checkSemantics(s)).jsonPath;
};

test('semantic rules the schema cannot express', () => {
  assert.is(semantic((s) => (s.process!.cwd = 'rel')), '/process/cwd');
  assert.is(semantic((s) => (s.ociVersion = '2.0.0')), '/ociVersion');
  assert.is(semantic((s) => s.linux!.namespaces!.push({ type: 'pid' })), '/linux/namespaces/4/type');
  assert.is(semantic((s) => s.linux!.namespaces!.push({ type: 'network', path: 'rel/ns' })), '/linux/namespaces/4/path');
  assert.is(semantic((s) => s.linux!.namespaces!.push({ type: 'user' })), '/linux/uidMappings');
  assert.is(semantic((s) => (s.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }])), '/linux/uidMappings');
  assert.is(semantic((s) => (s.linux!.timeOffsets = { monotonic: { secs: 1 } })), '/linux/timeOffsets');
  assert.is(semantic((s) => (s.linux!.namespaces = [{ type: 'mount' }])), '/hostname');
  assert.is(semantic((s) => (s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 5 }])), '/process/rlimits/0');
  assert.is(semantic((s) => (s.process!.rlimits = [{ type: 'RLIMIT_BOGUS', soft: 1, hard: 5 }])), '/process/rlimits/0/type');
  assert.is(semantic((s) => (s.linux!.sysctl = { '../etc': '1' })), '/linux/sysctl/../etc');
});

test('old 1.x versions engines write are accepted', () => {
  for (const v of ['1.0.0', '1.0.2-dev', '1.2.1', '1.3.0']) {
    const s = minimalSpec();
    s.ociVersion = v;
    checkSemantics(s);
  }
});

test.run();
