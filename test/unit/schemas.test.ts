// Differential test: berth's own schemas (schemas/, compiled ahead of time) give the same
// verdict as the official runtime-spec 1.3.0 schemas on the reference documents and on a
// deterministic corpus of mutated configs.

import Ajv from 'ajv';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { schemaValidators } from '../../src/spec/validate.js';

const repoRoot = path.resolve(__dirname, '../../..');
const official = path.resolve(repoRoot, '../shared/reference/runtime-spec');
const engines = path.resolve(repoRoot, '../shared/reference/engine-contract');

/** The official schemas are draft-04 ("id"); ajv 8 reads them as draft-07 with "$id". */
function officialAjv() {
  const ajv = new Ajv({ strict: false, allErrors: false });
  for (const file of fs.readdirSync(official).filter((f) => f.endsWith('.json'))) {
    // defs.json's ArrayOfUint32 refers to "#definitions/uint32" (missing slash); ajv refuses it.
    const schema = JSON.parse(fs.readFileSync(path.join(official, file), 'utf8').replace(/"#definitions\//g, '"#/definitions/'));
    delete schema.$schema;
    if (schema.id) {
      schema.$id = schema.id;
      delete schema.id;
    }
    ajv.addSchema(schema, file);
  }
  return ajv;
}

const ajv = officialAjv();
const officialConfig = ajv.getSchema('config-schema.json')!;
const officialState = ajv.getSchema('state-schema.json')!;
const officialFeatures = ajv.getSchema('features-schema.json')!;

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined; // the invalid-json fixtures
  }
}

function sameVerdict(kind: string, doc: unknown, theirs: (d: unknown) => boolean | Promise<unknown>, ours: (d: unknown) => boolean, label: string) {
  if (doc === undefined) return; // unparsable: both refuse before any schema runs
  const expected = theirs(doc) as boolean;
  const actual = ours(doc);
  assert.is(actual, expected, `${kind} ${label}: official says ${expected}, berth says ${actual}`);
}

// Not Linux documents: berth's schema covers Linux configs only, and leaves other platforms'
// sections (freebsd, zos, windows, solaris, vm) to the runtimes of those platforms.
const NOT_LINUX = /freebsd|zos|windows|solaris|vm/;

test('reference config documents get the official verdict', () => {
  let compared = 0;
  for (const verdict of ['good', 'bad']) {
    const dir = path.join(official, 'test/config', verdict);
    for (const file of fs.readdirSync(dir)) {
      if (NOT_LINUX.test(file)) continue;
      sameVerdict('config', readJson(path.join(dir, file)), officialConfig, schemaValidators.validateConfig, `${verdict}/${file}`);
      compared++;
    }
  }
  assert.ok(compared >= 6, `compared ${compared}`);
});

test('reference state and features documents get the official verdict', () => {
  for (const [kind, theirs, ours] of [
    ['state', officialState, schemaValidators.validateState],
    ['features', officialFeatures, schemaValidators.validateFeatures],
  ] as const) {
    for (const verdict of ['good', 'bad']) {
      const dir = path.join(official, 'test', kind, verdict);
      for (const file of fs.readdirSync(dir)) sameVerdict(kind, readJson(path.join(dir, file)), theirs, ours, `${verdict}/${file}`);
    }
  }
});

/** Every JSON pointer in a document, parents before children. */
function pointers(doc: unknown, prefix = ''): string[] {
  const out: string[] = [];
  if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      const p = `${prefix}/${k}`;
      out.push(p, ...pointers(v, p));
    }
  }
  return out;
}

function mutate(doc: unknown, pointer: string, how: (old: unknown) => unknown | typeof DELETE): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const keys = pointer.split('/').slice(1);
  let parent: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
  const last = keys.at(-1)!;
  const next = how(parent[last]);
  if (next === DELETE) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    parent[last] = next;
  }
  return copy;
}

const DELETE = Symbol('delete');
const MUTATIONS: ((old: unknown) => unknown)[] = [
  () => DELETE,
  (old) => (typeof old === 'string' ? 42 : 'text'),
  (old) => (Array.isArray(old) ? {} : typeof old === 'object' && old !== null ? [] : true),
  (old) => (typeof old === 'number' ? -1 : old),
  (old) => (typeof old === 'number' ? 4294967296 : old),
  (old) => (typeof old === 'number' ? 1.5 : old),
  (old) => (typeof old === 'number' ? 2 ** 70 : old),
  (old) => (typeof old === 'string' ? 'SCMP_BOGUS' : old),
  (old) => (typeof old === 'object' && old !== null && !Array.isArray(old) ? { ...old, berthUnknownField: 1 } : old),
  (old) => (Array.isArray(old) ? [] : old),
];

function corpus(): { label: string; doc: unknown }[] {
  const bases: { name: string; doc: unknown }[] = [];
  for (const file of ['minimal.json', 'spec-example.json', 'linux-rdma.json', 'linux-netdevice.json', 'minimal-for-start.json']) {
    bases.push({ name: file, doc: readJson(path.join(official, 'test/config/good', file)) });
  }
  for (const file of fs.readdirSync(engines).filter((f) => f.endsWith('.config.json'))) {
    bases.push({ name: file, doc: readJson(path.join(engines, file)) });
  }
  const out: { label: string; doc: unknown }[] = [];
  for (const { name, doc } of bases) {
    // Long seccomp name lists repeat one shape thousands of times: sample every 7th pointer.
    pointers(doc).forEach((p, i) => {
      if (p.includes('/names/') && i % 7 !== 0) return;
      MUTATIONS.forEach((m, j) => {
        if ((i + j) % 3 !== 0) return; // a deterministic third of the pairs keeps the run short
        out.push({ label: `${name}${p} #${j}`, doc: mutate(doc, p, m) });
      });
    });
  }
  return out;
}

test('a corpus of mutated configs gets the official verdict', () => {
  const docs = corpus();
  let accepted = 0;
  for (const { label, doc } of docs) {
    const expected = officialConfig(doc) as boolean;
    assert.is(schemaValidators.validateConfig(doc), expected, `${label}: official says ${expected}`);
    if (expected) accepted++;
  }
  assert.ok(docs.length >= 500, `corpus of ${docs.length}`);
  // Both kinds of verdict are exercised, so agreement is not trivial.
  assert.ok(accepted > 50 && docs.length - accepted > 50, `${accepted} accepted of ${docs.length}`);
});

test.run();
