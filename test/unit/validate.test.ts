// Schema errors name the JSON path, the value and the rule; the most useful of several ajv
// errors is picked; JSON syntax errors give line and column; loadBundle says what is wrong
// with a bundle.

import Ajv from 'ajv';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BerthError, ConfigError } from '../../src/errors.js';
import { findJsonSyntaxProblem } from '../../src/spec/json-syntax.js';
import { checkConfig, loadBundle, parseConfigText } from '../../src/spec/load.js';
import type { Spec } from '../../src/spec/types.js';
import { ConfigSchemaError, pickSchemaError, validateConfigSchema, validateFeaturesSchema, validateStateSchema } from '../../src/spec/validate.js';
import type { SchemaError } from '../../src/spec/validators.js';
import { fullSpec } from '../helpers/full-spec.js';
import { minimalSpec } from '../helpers/specs.js';

// The configs containerd, Docker and podman write (project fixtures, see test/fixtures/engine-configs).
const engines = path.resolve(__dirname, '../../../test/fixtures/engine-configs');

function caught<E extends Error>(kind: new (...a: never[]) => E, f: () => unknown): E {
  try {
    f();
  } catch (e) {
    if (e instanceof kind) return e;
    throw e;
  }
  throw new Error(`expected a ${kind.name}`);
}

/** The schema error for minimalSpec() changed by `edit`. */
function schemaError(edit: (s: any) => void): ConfigSchemaError {
  const s = minimalSpec() as any;
  edit(s);
  return caught(ConfigSchemaError, () => validateConfigSchema(s));
}

test('a wrong type: path, the value and its type, the type wanted', () => {
  const e = schemaError((s) => (s.process.args = 'sh -c true'));
  assert.instance(e, ConfigError);
  assert.is(e.jsonPath, '/process/args');
  assert.is(e.rule, 'type');
  assert.is(e.value, 'sh -c true');
  assert.is(e.message, 'config.json /process/args: "sh -c true" is a string, but must be an array');
});

test('a missing member is named by its own path', () => {
  const e = schemaError((s) => delete s.process.cwd);
  assert.is(e.jsonPath, '/process/cwd');
  assert.is(e.rule, 'required');
  assert.is(e.value, undefined);
  assert.match(e.message, 'is required but missing');
});

test('a word outside a list names the value and the allowed words', () => {
  const e = schemaError((s) => (s.linux.namespaces[0].type = 'pidd'));
  assert.is(e.jsonPath, '/linux/namespaces/0/type');
  assert.is(e.rule, 'enum');
  assert.match(e.message, '"pidd" is not one of the allowed values: mount, pid, network, uts, ipc, user, cgroup, time');
});

test('numbers out of range name the limit and the integer type', () => {
  const low = schemaError((s) => (s.process.user.uid = -5));
  assert.is(low.jsonPath, '/process/user/uid');
  assert.is(low.rule, 'minimum');
  assert.match(low.message, '-5 is too small: must be >= 0');

  const high = schemaError((s) => (s.process.user.uid = 2 ** 32));
  assert.is(high.rule, 'maximum');
  assert.match(high.message, '4294967296 is too large: must be <= 4294967295 (uint32');

  const huge = schemaError((s) => (s.process.rlimits = [{ type: 'RLIMIT_CORE', soft: 0, hard: 2 ** 65 }]));
  assert.is(huge.jsonPath, '/process/rlimits/0/hard');
  assert.match(huge.message, 'must be <= 18446744073709551615 (uint64');

  const notInt = schemaError((s) => (s.process.user.gid = 1.5));
  assert.is(notInt.rule, 'type');
  assert.match(notInt.message, '1.5 is a number, but must be an integer');
});

test('patterns and minimum sizes are named as rules', () => {
  const pat = schemaError((s) => (s.linux.resources = { hugepageLimits: [{ pageSize: '64kB', limit: 1 }] }));
  assert.is(pat.jsonPath, '/linux/resources/hugepageLimits/0/pageSize');
  assert.is(pat.rule, 'pattern');
  assert.match(pat.message, '"64kB" does not match the pattern ^[1-9][0-9]*[KMG]B$');

  const few = schemaError((s) => (s.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] }));
  assert.is(few.jsonPath, '/linux/seccomp/syscalls/0/names');
  assert.is(few.rule, 'minItems');
  assert.match(few.message, '[] must have at least 1 item');
});

test('a member name with "/" is escaped in the path, and its value still found', () => {
  const e = schemaError((s) => (s.linux.resources = { rdma: { 'a/b~c': { hcaHandles: 'many' } } }));
  assert.is(e.jsonPath, '/linux/resources/rdma/a~1b~0c/hcaHandles');
  assert.match(e.message, '"many" is a string');
});

test('a document that is not an object', () => {
  const e = caught(ConfigSchemaError, () => validateConfigSchema([]));
  assert.is(e.jsonPath, '');
  assert.is(e.message, 'config.json /: [] is an array, but must be an object');
});

test('long values are shortened in messages', () => {
  const e = schemaError((s) => (s.hostname = { text: 'x'.repeat(200) }));
  assert.ok(e.message.length < 160, e.message);
  assert.match(e.message, '...');
});

// anyOf/oneOf make ajv report every branch; berth's own schemas use none today, so the picker
// is checked on a schema compiled here.
function errorsFor(schema: object, doc: unknown): SchemaError[] {
  const validate = new Ajv({ strict: false }).compile(schema);
  assert.not.ok(validate(doc));
  return validate.errors as SchemaError[];
}

const hookOrPath = {
  type: 'object',
  properties: {
    x: { anyOf: [{ type: 'string' }, { type: 'object', required: ['path'], properties: { path: { type: 'string' } } }] },
    y: { oneOf: [{ type: 'integer', minimum: 10 }, { type: 'string', pattern: '^[a-z]+$' }] },
  },
};

test('of several errors, the deepest wins and summaries are dropped', () => {
  const deeper = pickSchemaError(errorsFor(hookOrPath, { x: { path: 5 } }));
  assert.is(deeper.instancePath, '/x/path');
  assert.is(deeper.keyword, 'type');

  const missing = pickSchemaError(errorsFor(hookOrPath, { x: {} }));
  assert.is(missing.keyword, 'required');
  assert.is(missing.params.missingProperty, 'path');
});

test('type mismatches at one place merge; a branch whose type matched wins over them', () => {
  const merged = pickSchemaError(errorsFor(hookOrPath, { x: 5 }));
  assert.is(merged.keyword, 'type');
  assert.is(merged.params.type, 'string,object');

  const ranged = pickSchemaError(errorsFor(hookOrPath, { y: 3 }));
  assert.is(ranged.keyword, 'minimum');
  const patterned = pickSchemaError(errorsFor(hookOrPath, { y: 'ABC' }));
  assert.is(patterned.keyword, 'pattern');

  const onlySummary = pickSchemaError([{ instancePath: '/y', schemaPath: '#/oneOf', keyword: 'oneOf', params: {} }]);
  assert.is(onlySummary.keyword, 'oneOf');
});

test('state and features documents are checked with their own schemas and names', () => {
  validateStateSchema({ ociVersion: '1.3.0', id: 'c1', status: 'running', pid: 7, bundle: '/b' });
  const st = caught(BerthError, () => validateStateSchema({ ociVersion: '1.3.0', id: 'c1', status: 'paused', bundle: '/b' }));
  assert.not.instance(st, ConfigError);
  assert.match(st.message, /^state \/status: "paused" is not one of the allowed values/);
  const ft = caught(BerthError, () => validateFeaturesSchema({ ociVersionMin: '1.0.0' }));
  assert.is(ft.message, 'features /ociVersionMax: is required but missing');
});

test('the configs containerd, Docker and podman write pass every check, with no warning', () => {
  const files = fs.readdirSync(engines).filter((n) => n.endsWith('.config.json'));
  assert.ok(files.length >= 4);
  for (const f of files) {
    const { warnings } = checkConfig(JSON.parse(fs.readFileSync(path.join(engines, f), 'utf8')));
    assert.equal(warnings, [], f);
  }
});

test('any 1.x ociVersion is read; other majors and non-SemVer strings are refused', () => {
  for (const v of ['1.0.0', '1.0.2-dev', '1.1.0-rc.3', '1.2.1', '1.3.0', '1.4.0+build.5', '1.0.0-0a.1-x+001']) {
    checkConfig({ ...minimalSpec(), ociVersion: v });
  }
  const major = caught(ConfigError, () => checkConfig({ ...minimalSpec(), ociVersion: '2.0.0' }));
  assert.is(major.jsonPath, '/ociVersion');
  assert.match(major.message, 'berth reads version 1.x configs');
  assert.match(caught(ConfigError, () => checkConfig({ ...minimalSpec(), ociVersion: '0.5.0-dev' })).message, 'not supported');
  for (const v of ['1.0', '1', 'v1.0.0', '01.0.0', '1.0.0-', '', '1.0.0-01', '1.0.0+', '1.0.0-a..b', '1.0.0-a_b', '1.0.0.0', '1.x.0', ' 1.0.0']) {
    assert.match(caught(ConfigError, () => checkConfig({ ...minimalSpec(), ociVersion: v })).message, 'not a SemVer 2.0.0 version', v);
  }
});

test('JSON syntax errors give line, column and what was expected', () => {
  const cases: [string, number, number, string][] = [
    ['{]', 1, 2, 'expected a member name in double quotes, found "]"'],
    ['{\n  "a": 1,\n  "b": [1, 2,]\n}', 3, 14, 'expected a value, found "]"'],
    ['{"a": 1 "b": 2}', 1, 9, 'expected "," or "}", found """'],
    ['{"a": tru}', 1, 7, 'expected a value'],
    ['{"a": 01}', 1, 8, '"1" cannot continue the number'],
    ['{"a": "x\ty"}', 1, 9, 'control character U+0009'],
    ['{"a": "\\x"}', 1, 8, '"\\x" is not a JSON escape'],
    ['{"a": "open', 1, 12, 'a string is not closed'],
    ['{"a": 1}}', 1, 9, 'unexpected "}" after the end of the document'],
    ['', 1, 1, 'the text is empty'],
    ['\uFEFF{}', 1, 1, 'byte order mark'],
    ['[1, [2, {"k": [3]}]', 1, 20, 'expected "," or "]", found the end of the text'],
  ];
  for (const [text, line, column, reason] of cases) {
    const p = findJsonSyntaxProblem(text);
    assert.ok(p, `no problem found in ${JSON.stringify(text)}`);
    assert.equal([p!.line, p!.column], [line, column], JSON.stringify(text));
    assert.match(p!.reason, reason);
  }
});

test('the syntax finder agrees with JSON.parse on a corpus of damaged configs', () => {
  const text = fs.readFileSync(path.join(engines, 'ctr-run-d.config.json'), 'utf8');
  const damaged = [text, JSON.stringify(fullSpec()), '{"deep":' + '['.repeat(5000) + ']'.repeat(5000) + '}'];
  // Deterministic damage: drop, double or replace one character at spread-out places.
  for (let at = 0; at < text.length; at += 3) {
    damaged.push(text.slice(0, at) + text.slice(at + 1));
    damaged.push(text.slice(0, at) + text[at] + text.slice(at));
    damaged.push(text.slice(0, at) + '}' + text.slice(at + 1));
    damaged.push(text.slice(0, at) + '"' + text.slice(at + 1));
  }
  let refused = 0;
  for (const t of damaged) {
    let parses = true;
    try {
      JSON.parse(t);
    } catch {
      parses = false;
      refused++;
    }
    assert.is(findJsonSyntaxProblem(t) === undefined, parses, JSON.stringify(t.slice(0, 80)));
  }
  // Doubling a space or a digit keeps the JSON valid, so both answers occur.
  assert.ok(refused > 1000 && damaged.length - refused > 300, `${refused} of ${damaged.length} refused`);
});

test('parseConfigText turns a syntax error into a ConfigError', () => {
  const e = caught(ConfigError, () => parseConfigText('{\n  "ociVersion": "1.3.0",\n  "root": {"path": "rootfs"},,\n}'));
  assert.is(e.message, 'config.json /: is not valid JSON: line 3, column 30: expected a member name in double quotes, found ","');
});

// --- loadBundle --------------------------------------------------------------------------------

function withBundle(run: (dir: string) => void, config?: string | object): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-load-'));
  try {
    fs.mkdirSync(path.join(dir, 'rootfs'));
    if (config !== undefined) fs.writeFileSync(path.join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
    run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('loadBundle: a valid bundle gives the spec, real paths and warnings', () => {
  const spec = minimalSpec();
  spec.mounts!.push({ destination: 'tmp', type: 'tmpfs', source: 'tmpfs' });
  spec.process!.capabilities!.bounding!.push('CAP_BERTH_FUTURE');
  withBundle((dir) => {
    fs.symlinkSync(dir, `${dir}.link`);
    try {
      const loaded = loadBundle(`${dir}.link`);
      assert.is(loaded.bundle, fs.realpathSync(dir));
      assert.is(loaded.rootfs, path.join(fs.realpathSync(dir), 'rootfs'));
      assert.is(loaded.spec.hostname, 'berth-test');
      assert.equal(loaded.warnings, [
        'config.json /mounts/1/destination: relative destination "tmp" is deprecated; it is taken as "/tmp"',
        'config.json /process/capabilities/bounding/1: unknown capability "CAP_BERTH_FUTURE" is ignored',
      ]);
    } finally {
      fs.unlinkSync(`${dir}.link`);
    }
  }, spec);
});

test('loadBundle: root.path may be absolute', () => {
  withBundle((dir) => {
    const spec = minimalSpec({ root: { path: path.join(dir, 'rootfs') } });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(spec));
    assert.is(loadBundle(dir).rootfs, path.join(fs.realpathSync(dir), 'rootfs'));
  });
});

test('loadBundle: a missing bundle, a file as bundle, a missing config.json', () => {
  assert.is(caught(BerthError, () => loadBundle('/nonexistent/berth-bundle')).message, 'bundle /nonexistent/berth-bundle does not exist');
  withBundle((dir) => {
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, '');
    assert.match(caught(BerthError, () => loadBundle(file)).message, 'is not a directory');
    assert.is(caught(BerthError, () => loadBundle(dir)).message, `bundle ${fs.realpathSync(dir)} has no config.json`);
    fs.mkdirSync(path.join(dir, 'config.json'));
    assert.is(caught(BerthError, () => loadBundle(dir)).message, `cannot read ${path.join(fs.realpathSync(dir), 'config.json')}: it is a directory`);
  });
});

test('loadBundle: malformed JSON, schema and semantic errors name where', () => {
  withBundle((dir) => {
    const e = caught(ConfigError, () => loadBundle(dir));
    assert.match(e.message, 'line 2, column 3');
  }, '{\n  ociVersion: "1.3.0"\n}');
  withBundle((dir) => assert.is(caught(ConfigError, () => loadBundle(dir)).jsonPath, '/process/user/uid'), minimalSpec({ process: { ...minimalSpec().process!, user: { uid: 'root' as never, gid: 0 } } }));
  withBundle((dir) => assert.is(caught(ConfigError, () => loadBundle(dir)).jsonPath, '/process/cwd'), minimalSpec({ process: { ...minimalSpec().process!, cwd: 'home' } }));
});

test('loadBundle: root.path must be an existing directory', () => {
  withBundle((dir) => {
    const e = caught(ConfigError, () => loadBundle(dir));
    assert.is(e.jsonPath, '/root/path');
    assert.match(e.message, `"nothere" (${path.join(fs.realpathSync(dir), 'nothere')}) does not exist`);
    fs.writeFileSync(path.join(dir, 'nothere'), '');
    assert.match(caught(ConfigError, () => loadBundle(dir)).message, 'is not a directory');
    fs.unlinkSync(path.join(dir, 'nothere'));
    fs.symlinkSync('nothere', path.join(dir, 'nothere')); // a loop
    assert.match(caught(ConfigError, () => loadBundle(dir)).message, `(${path.join(fs.realpathSync(dir), 'nothere')}) cannot be read (ELOOP)`);
  }, minimalSpec({ root: { path: 'nothere' } }));
});

test('loadBundle: a process is needed unless only inspecting', () => {
  const spec: Spec = minimalSpec();
  delete spec.process;
  delete spec.hostname;
  withBundle((dir) => {
    assert.is(caught(ConfigError, () => loadBundle(dir)).jsonPath, '/process');
    assert.is(loadBundle(dir, { startable: false }).spec.process, undefined);
  }, spec);
});

test.run();
