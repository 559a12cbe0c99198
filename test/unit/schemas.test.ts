// Differential test: berth's own schemas (schemas/, compiled ahead of time into
// src/spec/generated/validators.js) give the same verdict as the official runtime-spec 1.3.0
// schemas, compiled here with ajv from the reference, on the reference documents and on a
// deterministic corpus of mutated documents.
//
// The reference is not part of the project (it is the specification's, not ours): it is looked
// up in BERTH_RUNTIME_SPEC_DIR, by default ../shared/reference/runtime-spec beside the
// repository (a directory holding config-schema.json and test/). Where it is missing, the
// differential tests report one skip that says so, and the other tests still run.

import Ajv from 'ajv';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/errors.js';
import { parseConfigText } from '../../src/spec/load.js';
import { ACCEPTED_BEYOND_SCHEMA } from '../../src/spec/rules/beyond-schema.js';
import { schemaValidators } from '../../src/spec/validate.js';
import { fullSpec } from '../helpers/full-spec.js';

const repoRoot = path.resolve(__dirname, '../../..');
const official = path.resolve(repoRoot, process.env.BERTH_RUNTIME_SPEC_DIR || '../shared/reference/runtime-spec');
const haveOfficial = fs.existsSync(path.join(official, 'config-schema.json'));
const engines = path.join(repoRoot, 'test/fixtures/engine-configs');

/** Registers a test that needs the official schemas; without them it is not registered at all. */
const withOfficial = (name: string, fn: () => void): void => {
  if (haveOfficial) test(name, fn);
};
if (!haveOfficial) {
  const why = `no runtime-spec reference at ${official} (set BERTH_RUNTIME_SPEC_DIR to a runtime-spec 1.3.0 schema directory)`;
  console.log(`schemas.test: differential tests against the official schemas skipped: ${why}`);
  test.skip(`differential tests against the official runtime-spec schemas: ${why}`, () => {});
}

type Verdict = (doc: unknown) => boolean;

/**
 * The official schemas, made readable by ajv 8 in memory (the files are not changed):
 * - they declare draft-04, which ajv 8 does not ship; the keywords they use (type, properties,
 *   required, enum, pattern, minimum/maximum without exclusive*, items, allOf, anyOf, $ref,
 *   patternProperties, additionalProperties, minItems) mean the same in draft-07, so the
 *   $schema line is dropped. None of them uses draft-04's "id" (which would become "$id").
 * - a "$ref" beside other keywords is ignored in draft-04 but applied by ajv 8; the only such
 *   places (linux.personality and Major/Minor) repeat what the referenced schema says.
 * - defs.json's ArrayOfUint32 refers to "#definitions/uint32" (no slash), which ajv cannot
 *   resolve; nothing the Linux config, state or features schemas use refers to ArrayOfUint32.
 */
function officialVerdicts(): { config: Verdict; state: Verdict; features: Verdict } {
  const ajv = new Ajv({ strict: false, allErrors: false });
  for (const file of fs.readdirSync(official).filter((f) => f.endsWith('.json'))) {
    const schema = JSON.parse(fs.readFileSync(path.join(official, file), 'utf8').replace(/"#definitions\//g, '"#/definitions/'));
    delete schema.$schema;
    if (typeof schema.id === 'string') {
      schema.$id = schema.id;
      delete schema.id;
    }
    ajv.addSchema(schema, file);
  }
  const get = (name: string): Verdict => {
    const v = ajv.getSchema(name);
    if (!v) throw new Error(`official schema ${name} did not compile`);
    return (doc) => v(doc) as boolean;
  };
  return { config: get('config-schema.json'), state: get('state-schema.json'), features: get('features-schema.json') };
}

const theirs = haveOfficial ? officialVerdicts() : (undefined as never);
const ours = { config: schemaValidators.validateConfig, state: schemaValidators.validateState, features: schemaValidators.validateFeatures };

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));

test('schemas/*.schema.json are what schemas/build.js writes', () => {
  const { render } = require(path.join(repoRoot, 'schemas/build.js')) as { render(): Record<string, string> };
  const files = render();
  assert.equal(Object.keys(files).sort(), ['config.schema.json', 'features.schema.json', 'process.schema.json', 'state.schema.json']);
  for (const [file, text] of Object.entries(files)) {
    assert.is(fs.readFileSync(path.join(repoRoot, 'schemas', file), 'utf8'), text, `schemas/${file} is stale: run node schemas/build.js`);
  }
});

// Reference documents left out of the comparison, and why:
// - freebsd-*, zos-* (good) and freebsd-vnet-disable (bad) configure other platforms: berth's
//   schema is for Linux and, like any Linux runtime, does not look at a "freebsd" or "zos"
//   section, so it accepts freebsd-vnet-disable.json where the all-platform schema refuses it.
// - invalid-json.json (config and state) is not JSON: nothing reaches a schema. For config.json
//   the test below checks that berth refuses it while parsing, naming line and column.
const NOT_LINUX = /^(freebsd|zos|windows|solaris|vm)[-.]/;
const UNPARSABLE = 'invalid-json.json';

function referenceDocs(kind: 'config' | 'state' | 'features'): { label: string; doc: unknown; expected: boolean }[] {
  const out = [];
  for (const verdict of ['good', 'bad']) {
    const dir = path.join(official, 'test', kind, verdict);
    for (const file of fs.readdirSync(dir).sort()) {
      if (NOT_LINUX.test(file) || file === UNPARSABLE) continue;
      out.push({ label: `${kind}/${verdict}/${file}`, doc: readJson(path.join(dir, file)), expected: verdict === 'good' });
    }
  }
  return out;
}

for (const kind of ['config', 'state', 'features'] as const) {
  withOfficial(`reference ${kind} documents: berth and the official schema agree, and match good/bad`, () => {
    const docs = referenceDocs(kind);
    assert.ok(docs.some((d) => d.expected), `no good ${kind} documents found`);
    for (const { label, doc, expected } of docs) {
      assert.is(theirs[kind](doc), expected, `${label}: the official schema's own verdict`);
      assert.is(ours[kind](doc), expected, `${label}: berth's verdict`);
    }
  });
}

withOfficial('the reference config that is not JSON is refused while parsing, with line and column', () => {
  const text = fs.readFileSync(path.join(official, 'test/config/bad', UNPARSABLE), 'utf8');
  try {
    parseConfigText(text);
    assert.unreachable('parsed');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /line 1, column 2/);
  }
});

// --- the mutated corpus ----------------------------------------------------------------------

const DELETE = Symbol('delete');
const SKIP = Symbol('skip');
type Change = unknown | typeof DELETE | typeof SKIP;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Integers at and around every limit the schemas use, and numbers that are not integers. */
const NUMBER_EDGES = [
  -1, 0, 1.5, 511, 512, 65535, 65536, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1,
  2 ** 32 - 1, 2 ** 32, 2 ** 53, 2 ** 63, -(2 ** 63), -(2 ** 64), 2 ** 64, 2 ** 65, 1e300, -0.5,
];

/** Each mutation turns the value at one place into another, or does not apply there. */
const MUTATIONS: { name: string; apply: (old: unknown) => Change }[] = [
  { name: 'delete', apply: () => DELETE },
  { name: 'null', apply: () => null },
  { name: 'string to number', apply: (o) => (typeof o === 'string' ? 42 : SKIP) },
  { name: 'number to string', apply: (o) => (typeof o === 'number' ? String(o) : SKIP) },
  { name: 'boolean to string', apply: (o) => (typeof o === 'boolean' ? String(o) : SKIP) },
  { name: 'scalar to boolean', apply: (o) => (typeof o === 'string' || typeof o === 'number' ? true : SKIP) },
  { name: 'object to array', apply: (o) => (isObject(o) ? [] : SKIP) },
  { name: 'array to object', apply: (o) => (Array.isArray(o) ? {} : SKIP) },
  { name: 'scalar to object', apply: (o) => (typeof o !== 'object' || o === null ? { value: o ?? 1 } : SKIP) },
  { name: 'empty array', apply: (o) => (Array.isArray(o) && o.length ? [] : SKIP) },
  { name: 'append a number', apply: (o) => (Array.isArray(o) ? [...o, 7] : SKIP) },
  { name: 'append a string', apply: (o) => (Array.isArray(o) ? [...o, 'x'] : SKIP) },
  { name: 'append an object', apply: (o) => (Array.isArray(o) ? [...o, {}] : SKIP) },
  { name: 'unknown member', apply: (o) => (isObject(o) ? { ...o, berthUnknownMember: { deep: [1] } } : SKIP) },
  { name: 'member with empty name', apply: (o) => (isObject(o) ? { ...o, '': 5 } : SKIP) },
  { name: 'member named by a newline', apply: (o) => (isObject(o) ? { ...o, '\n': 5 } : SKIP) },
  { name: 'member with a number value', apply: (o) => (isObject(o) ? { ...o, zz: 5 } : SKIP) },
  ...NUMBER_EDGES.map((n) => ({ name: `number ${n}`, apply: (o: unknown) => (typeof o === 'number' && o !== n ? n : SKIP) })),
  { name: 'unknown word', apply: (o) => (typeof o === 'string' ? `${o.toLowerCase()}_BOGUS` : SKIP) },
  { name: 'empty string', apply: (o) => (typeof o === 'string' && o !== '' ? '' : SKIP) },
  { name: 'string plus newline', apply: (o) => (typeof o === 'string' ? `${o}\n` : SKIP) },
  { name: 'lower-cased string', apply: (o) => (typeof o === 'string' && o !== o.toLowerCase() ? o.toLowerCase() : SKIP) },
  // Reaches the values berth accepts beyond the official schema (rslave for slave, ...).
  { name: 'recursive propagation word', apply: (o) => (typeof o === 'string' && ['private', 'shared', 'slave', 'unbindable'].includes(o) ? `r${o}` : SKIP) },
];

/**
 * Where berth accepts on purpose what the official schema refuses (src/spec/rules/beyond-schema.ts:
 * runc takes these and engines send them): at these places the official "false" is expected to
 * be berth's "true". Anything else that differs is a defect.
 */
function acceptedOnPurpose(kind: string, ptr: string, change: Change): boolean {
  return kind === 'config' && ACCEPTED_BEYOND_SCHEMA.some((a) => a.jsonPath === ptr && a.values.includes(change as string));
}

/** Every JSON pointer in a document, parents before children ("" is the document itself). */
function pointers(doc: unknown, prefix = ''): string[] {
  const out = [prefix];
  if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) out.push(...pointers(v, `${prefix}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return out;
}

/** Runs `check` on doc with the change applied at ptr, then puts the document back as it was. */
function withChange(doc: unknown, ptr: string, change: Change, check: (mutated: unknown) => void): void {
  if (ptr === '') {
    if (change !== DELETE) check(change);
    return;
  }
  const keys = ptr.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let parent = doc as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
  const key = keys.at(-1)!;
  const old = parent[key];
  if (change === DELETE && Array.isArray(parent)) {
    parent.splice(Number(key), 1);
    try {
      check(doc);
    } finally {
      parent.splice(Number(key), 0, old);
    }
    return;
  }
  if (change === DELETE) delete parent[key];
  else parent[key] = change;
  try {
    check(doc);
  } finally {
    parent[key] = old;
  }
}

interface Base {
  name: string;
  doc: unknown;
}

function configBases(): Base[] {
  const bases: Base[] = [{ name: 'full-spec', doc: fullSpec() }];
  for (const file of ['minimal.json', 'minimal-for-start.json', 'spec-example.json', 'linux-rdma.json', 'linux-netdevice.json']) {
    bases.push({ name: file, doc: readJson(path.join(official, 'test/config/good', file)) });
  }
  for (const file of fs.readdirSync(engines).filter((f) => f.endsWith('.config.json')).sort()) {
    bases.push({ name: file, doc: readJson(path.join(engines, file)) });
  }
  return bases;
}

interface Tally {
  compared: number;
  accepted: number;
  byMutation: Map<string, number>;
}

/** Applies every mutation at every place in every base and compares the two verdicts. */
function compareCorpus(kind: 'config' | 'state' | 'features', bases: Base[]): Tally {
  const tally: Tally = { compared: 0, accepted: 0, byMutation: new Map() };
  for (const base of bases) {
    assert.ok(theirs[kind](base.doc), `${base.name} must itself be valid`);
    pointers(base.doc).forEach((ptr, n) => {
      // Docker's and podman's seccomp profiles repeat one shape hundreds of times: a sample is enough.
      if (/\/names\/\d+$/.test(ptr) && n % 10 !== 0) return;
      for (const m of MUTATIONS) {
        const change = m.apply(ptr === '' ? base.doc : valueAtPointer(base.doc, ptr));
        if (change === SKIP) continue;
        withChange(base.doc, ptr, change, (doc) => {
          const official = theirs[kind](doc);
          const onPurpose = acceptedOnPurpose(kind, ptr, change);
          if (onPurpose && official) throw new Error(`${ptr} ${String(change)}: the official schema accepts it now; drop it from ACCEPTED_BEYOND_SCHEMA`);
          const expected = official || onPurpose;
          const actual = ours[kind](doc);
          if (actual !== expected) {
            throw new Error(`${kind} ${base.name} ${ptr || '(document)'} [${m.name}]: official says ${expected}, berth says ${actual}`);
          }
          tally.compared++;
          if (expected) tally.accepted++;
          tally.byMutation.set(m.name, (tally.byMutation.get(m.name) ?? 0) + 1);
        });
      }
    });
  }
  return tally;
}

function valueAtPointer(doc: unknown, ptr: string): unknown {
  let cur = doc;
  for (const raw of ptr.split('/').slice(1)) cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}

withOfficial('mutated configs: berth and the official schema agree on every one', () => {
  const before = JSON.stringify(configBases().map((b) => b.doc));
  const bases = configBases();
  const t = compareCorpus('config', bases);
  assert.is(JSON.stringify(bases.map((b) => b.doc)), before, 'every mutation was undone');
  assert.ok(t.compared >= 500, `corpus of ${t.compared}`);
  // Both verdicts are well represented, so agreement says something about both schemas.
  assert.ok(t.accepted >= 200 && t.compared - t.accepted >= 200, `${t.accepted} accepted of ${t.compared}`);
  for (const m of MUTATIONS) assert.ok((t.byMutation.get(m.name) ?? 0) > 0, `mutation "${m.name}" never applied`);
});

withOfficial('mutated state and features documents: berth and the official schema agree', () => {
  const state: Base[] = [
    { name: 'spec-example', doc: readJson(path.join(official, 'test/state/good/spec-example.json')) },
    { name: 'running', doc: { ociVersion: '1.3.0', id: 'c1', status: 'running', pid: 4422, bundle: '/b', annotations: { k: 'v' } } },
  ];
  const features: Base[] = ['minimal.json', 'runc.json'].map((f) => ({ name: f, doc: readJson(path.join(official, 'test/features/good', f)) }));
  const s = compareCorpus('state', state);
  const f = compareCorpus('features', features);
  assert.ok(s.compared >= 100 && s.accepted > 10 && s.compared - s.accepted > 10, `state: ${s.accepted} of ${s.compared}`);
  assert.ok(f.compared >= 300 && f.accepted > 50 && f.compared - f.accepted > 50, `features: ${f.accepted} of ${f.compared}`);
});

withOfficial('the values accepted beyond the official schema: official refuses, berth accepts, each named once', () => {
  let checked = 0;
  for (const { jsonPath, values } of ACCEPTED_BEYOND_SCHEMA) {
    for (const value of values) {
      const doc = fullSpec() as unknown;
      withChange(doc, jsonPath, value, (mutated) => {
        assert.is(theirs.config(mutated), false, `${jsonPath} ${value}: official`);
        assert.is(ours.config(mutated), true, `${jsonPath} ${value}: berth`);
        checked++;
      });
    }
  }
  assert.is(checked, 4);
});

withOfficial('the corpus comparison notices a disagreement', () => {
  // Guard against a comparison that cannot fail: a schema that differs in one rule is caught.
  const saved = ours.config;
  const stricter = (doc: unknown) => saved(doc) && !(isObject(doc) && isObject(doc.process) && doc.process.oomScoreAdj === 0);
  const bases: Base[] = [{ name: 'full-spec', doc: fullSpec() }];
  ours.config = Object.assign(stricter, { errors: null });
  try {
    assert.throws(() => compareCorpus('config', bases), /official says true, berth says false/);
  } finally {
    ours.config = saved;
  }
});

test.run();
