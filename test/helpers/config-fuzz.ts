// Mutated config.json documents for the fuzz tests (test/unit/config-fuzz.test.ts in process,
// test/integration/config-fuzz.test.ts through dist/berth). A case is a seed document (berth's
// own `berth spec` output or an engine sample) with one to three mutations applied, each
// described as "<JSON path>: <what was done>", so a failure names exactly what to replay.
// Everything random comes from one seeded PRNG per case: BERTH_FUZZ_SEED and BERTH_FUZZ_CASE
// reproduce a single document.

import fs from 'node:fs';
import path from 'node:path';
import { defaultSpec } from '../../src/cli/default-spec.js';
import { prng } from './prng.js';

/** The run's seed: BERTH_FUZZ_SEED, else a fresh one (printed by the tests to replay). */
export function fuzzSeed(): number {
  const given = process.env.BERTH_FUZZ_SEED;
  if (given !== undefined && /^\d+$/.test(given)) return Number(given) >>> 0;
  return (Math.random() * 2 ** 32) >>> 0;
}

/** The case numbers to run: BERTH_FUZZ_CASE alone when set, else 0 .. count-1. */
export function fuzzCases(envCount: string, defaultCount: number): number[] {
  const only = process.env.BERTH_FUZZ_CASE;
  if (only !== undefined && /^\d+$/.test(only)) return [Number(only)];
  const n = Number(process.env[envCount] ?? defaultCount);
  return Array.from({ length: Number.isInteger(n) && n >= 0 ? n : defaultCount }, (_, i) => i);
}

/** A per-case seed, so case i is the same document whatever ran before it. */
export const caseSeed = (seed: number, i: number) => (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) >>> 0;

type Json = null | boolean | number | string | Raw | Json[] | { [k: string]: Json };

/** Raw JSON text placed where a value would be: for what JSON.stringify cannot write. */
class Raw {
  constructor(readonly text: string) {}
}

export interface FuzzSeed {
  name: string;
  doc: Json;
}

const fixtures = path.resolve(__dirname, '../../../test/fixtures');

export function fuzzSeeds(): FuzzSeed[] {
  const seeds: FuzzSeed[] = [
    { name: 'berth spec', doc: defaultSpec() as unknown as Json },
    { name: 'berth spec --rootless', doc: defaultSpec({ rootless: { uid: 1000, gid: 1000 } }) as unknown as Json },
  ];
  const dir = path.join(fixtures, 'engine-configs');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.config.json')).sort()) {
    seeds.push({ name: f, doc: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) });
  }
  return seeds;
}

export interface FuzzCase {
  seed: string;
  /** one line per mutation: "<JSON path>: <what>" */
  mutations: string[];
  /** the document as bytes (it may not be valid UTF-8, or valid JSON) */
  bytes: Buffer;
}

const MIB = 1 << 20;

export interface MutateOptions {
  /** JSON paths (prefixes) the mutations leave alone, e.g. what could harm the host if berth were wrong */
  keep?: (pointer: string) => boolean;
  /** the largest array and string sizes to make (the integration run keeps them smaller) */
  maxArray?: number;
}

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function allPointers(v: unknown, at = '', out: string[] = []): string[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => allPointers(x, `${at}/${i}`, out));
  else if (v && typeof v === 'object' && !(v instanceof Raw)) for (const [k, x] of Object.entries(v)) allPointers(x, `${at}/${esc(k)}`, out);
  return out;
}

function parentOf(doc: Json, pointer: string): { parent: Json[] | Record<string, Json | Raw>; key: string } | undefined {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const key = parts.pop();
  if (key === undefined) return undefined;
  let cur: unknown = doc;
  for (const p of parts) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  if (!cur || typeof cur !== 'object') return undefined;
  return { parent: cur as Record<string, Json>, key };
}

// Odd values by theme; each is what a careless or hostile author could write.
const WRONG_TYPES: (Json | Raw)[] = [0, -1, 1.5, 'x', '', true, false, null, [], {}, [1, 'a', null], { a: 1 }, [[[]]]];
const NUMBERS: (Json | Raw)[] = [
  -1, -2147483649, 2147483648, 4294967295, 4294967296, 1.5, 0.0000001, 65536, -65536,
  new Raw('-0'), new Raw('9007199254740993'), new Raw('18446744073709551615'), new Raw('18446744073709551616'),
  new Raw('1e400'), new Raw('-1e400'), new Raw('1e-400'), new Raw('99999999999999999999999999999'),
  'NaN', 'Infinity', '-1', '0x10', '1e3', ' 5',
];
const LONG = 'a'.repeat(4096);
const PATHS: (Json | Raw)[] = [
  '..', '/..', '../../../../etc', '', '/', '//', '.', 'a/../../..', '/proc/self/fd/3', '/proc/1/root', '/dev/null',
  '/sys/fs/cgroup', '/proc/sys/kernel/core_pattern', '/tmp/../../..', 'relative/path', '/a\nb', '/a\u0000b', '/ a ',
  '/' + LONG, '/' + Array(600).fill('dir').join('/'), '/\u00e9\u4e2d\ud83d\ude00', new Raw('"\\ud800/lone-surrogate"'),
];
const ENTRIES: Record<string, (Json | Raw)[]> = {
  namespaces: [
    { type: 'user' }, { type: 'bogus' }, { type: 'pid' }, { type: 'cgroup' }, { type: 'time' }, { type: 'network', path: '/proc/1/ns/net' },
    { type: 'pid', path: '' }, { type: 'uts', path: '/nonexistent/ns' }, { type: 'ipc', path: '/proc/self/ns/pid' }, { type: 'mount', path: '/dev/null' },
    { type: 'network', path: '..' }, {}, { type: null }, { type: 'user', path: '/proc/1/ns/user' },
  ],
  mounts: [
    { destination: '/proc/x', type: 'bind', source: '/', options: ['rbind'] }, { destination: '', type: 'tmpfs', source: 'tmpfs' },
    { destination: '../../x', type: 'tmpfs' }, { destination: '/m', type: 'tmpfs', options: ['size=1e400', 'mode=99999', 'nosuchopt', 'idmap'] },
    { destination: '/m', type: 'bind', source: '/nonexistent' }, { destination: '/m', type: 'sysfs', source: 'sysfs', options: ['ro', 'rw', 'rro', 'rbind'] },
    { destination: '/proc', type: 'tmpfs' }, { destination: '/proc/sys', type: 'bind', source: '/proc/sys' }, { destination: '/dev/null', type: 'bind', source: '/etc/hostname' },
    { destination: '/m', type: 'bind', source: '/etc', uidMappings: [{ containerID: 0, hostID: 0, size: 1 }], gidMappings: [] },
    { destination: '/m', type: 'overlay', options: ['lowerdir=/../..'] }, { destination: '/m' }, { destination: '/' + LONG, type: 'tmpfs' },
  ],
  devices: [
    { path: '/dev/../x', type: 'c', major: 1, minor: 3 }, { path: '/dev/null', type: 'c', major: 1, minor: 5 }, { path: 'dev/rel', type: 'b', major: 7, minor: 0 },
    { path: '/dev/fifo', type: 'p' }, { path: '/dev/p', type: 'p', major: 1, minor: 1 }, { path: '/dev/u', type: 'u', major: 4294967295, minor: 4294967295 },
    { path: '/dev/neg', type: 'c', major: -1, minor: -1 }, { path: '/dev/big', type: 'c', major: 4294967296, minor: 0, fileMode: 99999, uid: -1, gid: 4294967296 },
    { path: '', type: 'c', major: 1, minor: 3 }, { path: '/dev/x', type: 'z', major: 1, minor: 3 }, { path: '/proc/x', type: 'c', major: 1, minor: 3 },
  ],
  rlimits: [
    { type: 'RLIMIT_BOGUS', hard: 1, soft: 1 }, { type: 'RLIMIT_NOFILE', hard: 1, soft: 2 }, { type: 'RLIMIT_NOFILE', hard: new Raw('18446744073709551615'), soft: new Raw('18446744073709551615') },
    { type: 'RLIMIT_NOFILE', hard: new Raw('18446744073709551616'), soft: 0 }, { type: 'RLIMIT_CORE', hard: -1, soft: -1 }, { type: 'RLIMIT_NPROC', hard: 1.5, soft: 1 },
    { type: 'rlimit_nofile', hard: 1024, soft: 1024 }, { type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }, { type: 'RLIMIT_STACK', hard: new Raw('1e400'), soft: 0 },
  ],
  syscalls: [
    { names: ['nosuchsyscall'], action: 'SCMP_ACT_ERRNO' }, { names: [], action: 'SCMP_ACT_ALLOW' }, { names: ['read'], action: 'SCMP_ACT_BOGUS' },
    { names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: 4294967296 }, { names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: -1 },
    { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 7, value: 1, op: 'SCMP_CMP_EQ' }] },
    { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: new Raw('18446744073709551616'), valueTwo: -1, op: 'SCMP_CMP_MASKED_EQ' }] },
    { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_BOGUS' }] },
    { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: Array(64).fill({ index: 0, value: 1, op: 'SCMP_CMP_EQ' }) },
    { names: ['read'], action: 'SCMP_ACT_TRACE', errnoRet: 1 }, { names: ['read'], action: 'SCMP_ACT_NOTIFY' }, { names: ['read', 'read', ''], action: 'SCMP_ACT_KILL' },
  ],
  idMappings: [
    { containerID: 0, hostID: 0, size: 0 }, { containerID: 0, hostID: 0, size: 4294967295 }, { containerID: 4294967295, hostID: 4294967295, size: 2 },
    { containerID: -1, hostID: 0, size: 1 }, { containerID: 0, hostID: 0 }, { containerID: 0, hostID: 1000, size: 65536 },
  ],
  env: ['', '=', '=x', 'NOEQUALS', 'A=\u0000', 'PATH=', 'A=' + LONG, '\u00e9=\u00e9'],
  args: ['', '/', '..', '/proc/self/exe', 'no-such-program', '/bin/sh\u0000x', LONG],
};
const OBJECT_MEMBERS: [string, Json | Raw][] = [
  ['zzUnknown', 1], ['__proto__', { polluted: true }], ['constructor', 'x'], ['prototype', null], ['hasOwnProperty', 1], ['toString', []],
  ['', ''], ['\u0000', 1], ['org.example.ext', { deep: [1, 2] }],
];
// Places worth adding things to even where the seed has nothing.
const ADD_AT: [string, string][] = [
  ['/linux/namespaces', 'namespaces'], ['/mounts', 'mounts'], ['/linux/devices', 'devices'], ['/process/rlimits', 'rlimits'],
  ['/linux/seccomp/syscalls', 'syscalls'], ['/linux/uidMappings', 'idMappings'], ['/linux/gidMappings', 'idMappings'],
  ['/process/env', 'env'], ['/process/args', 'args'], ['/linux/maskedPaths', 'paths'], ['/linux/readonlyPaths', 'paths'],
];
const SYSCTLS: Record<string, string>[] = [
  { 'net.ipv4.ip_forward': '1' }, { '../../kernel/core_pattern': 'x' }, { 'kernel.core_pattern': '|/bin/false' }, { '': '' },
  { 'kernel.shmmax': LONG }, { 'net/ipv4/ip_forward': '1' }, { 'fs.mqueue.msg_max': '-1' }, { 'kernel.domainname': 'x\n' }, { 'vm.swappiness': '1' },
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

const show = (v: unknown) => {
  if (v instanceof Raw) return v.text.length > 40 ? v.text.slice(0, 37) + '...' : v.text;
  const t = JSON.stringify(v) ?? String(v);
  return t.length > 40 ? `${t.slice(0, 37)}... (${t.length} chars)` : t;
};

function placeAt(doc: Json, pointer: string, value: Json | Raw, create = false): boolean {
  const p = parentOf(doc, pointer);
  if (!p) return false;
  if (Array.isArray(p.parent)) {
    const i = Number(p.key);
    if (!(i >= 0 && i < p.parent.length)) return false;
    (p.parent as unknown[])[i] = value;
    return true;
  }
  if (!create && !Object.prototype.hasOwnProperty.call(p.parent, p.key)) return false;
  Object.defineProperty(p.parent, p.key, { value, enumerable: true, writable: true, configurable: true });
  return true;
}

function ensureArrayAt(doc: Json, pointer: string): unknown[] | undefined {
  const parts = pointer.split('/').slice(1);
  let cur = doc as Record<string, unknown>;
  for (const [i, p] of parts.entries()) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    if (cur[p] === undefined) cur[p] = i === parts.length - 1 ? [] : {};
    cur = cur[p] as Record<string, unknown>;
  }
  return Array.isArray(cur) ? cur : undefined;
}

let rawCounter = 0;

/** doc -> text, with Raw values spliced in as written. */
function serialize(doc: Json): string {
  const raws = new Map<string, string>();
  const text = JSON.stringify(doc, (_k, v) => {
    if (v instanceof Raw) {
      const mark = `@@raw${rawCounter++}@@`;
      raws.set(mark, v.text);
      return mark;
    }
    return v;
  });
  return raws.size ? text.replace(/"(@@raw\d+@@)"/g, (_m, mark: string) => raws.get(mark)!) : text;
}

/** One mutation of `doc` in place; returns its description, or undefined when it did not apply. */
function mutateOnce(doc: Json, r: () => number, o: MutateOptions): string | undefined {
  const keep = o.keep ?? (() => false);
  const maxArray = o.maxArray ?? 10_000;
  const pointers = allPointers(doc).filter((p) => p !== '' && !keep(p));
  const at = pick(r, pointers);
  const kind = Math.floor(r() * 14);
  const current = (() => {
    const p = parentOf(doc, at);
    return p ? (p.parent as Record<string, unknown>)[p.key] : undefined;
  })();
  switch (kind) {
    case 0: {
      const v = pick(r, WRONG_TYPES);
      return placeAt(doc, at, v) ? `${at}: replaced by ${show(v)}` : undefined;
    }
    case 1: {
      const p = parentOf(doc, at);
      if (!p) return undefined;
      if (Array.isArray(p.parent)) p.parent.splice(Number(p.key), 1);
      else delete p.parent[p.key];
      return `${at}: removed`;
    }
    case 2: {
      const v = typeof current === 'number' || r() < 0.3 ? pick(r, NUMBERS) : undefined;
      if (v === undefined) {
        const nums = pointers.filter((p) => typeof (parentOf(doc, p)?.parent as Record<string, unknown> | undefined)?.[parentOf(doc, p)!.key] === 'number');
        if (!nums.length) return undefined;
        const target = pick(r, nums);
        const n = pick(r, NUMBERS);
        return placeAt(doc, target, n) ? `${target}: number ${show(n)}` : undefined;
      }
      return placeAt(doc, at, v) ? `${at}: number ${show(v)}` : undefined;
    }
    case 3: {
      // a string field becomes an odd path, or 1 MiB
      const strs = pointers.filter((p) => typeof (parentOf(doc, p)?.parent as Record<string, unknown> | undefined)?.[parentOf(doc, p)!.key] === 'string');
      if (!strs.length) return undefined;
      const target = pick(r, strs);
      const v = r() < 0.25 ? (r() < 0.5 ? 'x'.repeat(MIB) : '/' + 'a/'.repeat(MIB / 2)) : pick(r, PATHS);
      return placeAt(doc, target, v) ? `${target}: string ${show(v)}` : undefined;
    }
    case 4: {
      // huge array: the array's own element (or an odd value) repeated
      const arrs = pointers.filter((p) => Array.isArray((parentOf(doc, p)?.parent as Record<string, unknown> | undefined)?.[parentOf(doc, p)!.key]));
      if (!arrs.length) return undefined;
      const target = pick(r, arrs);
      const p = parentOf(doc, target)!;
      const arr = (p.parent as Record<string, Json[]>)[p.key]!;
      const item = arr.length && r() < 0.8 ? arr[Math.floor(r() * arr.length)]! : pick(r, WRONG_TYPES);
      // at most about 16 MiB of text
      const n = Math.min(Math.floor(maxArray / 4 + r() * (maxArray * 3 / 4)), Math.floor(16 * MIB / (serialize(item).length + 1)));
      // as text: later mutations then cannot grow every copy at once
      const itemText = serialize(item);
      (p.parent as Record<string, unknown>)[p.key] = new Raw(`[${Array(n).fill(itemText).join(',')}]`);
      return `${target}: ${n} copies of ${show(item)}`;
    }
    case 5: {
      const depth = pick(r, [1000, 10_000, 100_000, 1_000_000]);
      const open = pick(r, ['[', '{"a":']);
      const close = open === '[' ? ']' : '}';
      const v = new Raw(open.repeat(depth) + '1' + close.repeat(depth));
      return placeAt(doc, at, v) ? `${at}: ${depth} levels of ${open}` : undefined;
    }
    case 6: {
      const objs = pointers.concat(['']).filter((p) => {
        const v = p === '' ? doc : (parentOf(doc, p)?.parent as Record<string, unknown> | undefined)?.[parentOf(doc, p)!.key];
        return v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Raw);
      });
      const target = pick(r, objs);
      const obj = (target === '' ? doc : (parentOf(doc, target)!.parent as Record<string, unknown>)[parentOf(doc, target)!.key]) as Record<string, Json>;
      const [k, v] = pick(r, OBJECT_MEMBERS);
      Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
      return `${target}/${esc(k)}: unknown member ${show(v)}`;
    }
    case 7: {
      // a duplicate key: the object's text with one member written twice, the second odd
      const objs = pointers.filter((p) => {
        const v = (parentOf(doc, p)?.parent as Record<string, unknown> | undefined)?.[parentOf(doc, p)!.key];
        return v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Raw) && Object.keys(v).length;
      });
      if (!objs.length) return undefined;
      const target = pick(r, objs);
      const obj = (parentOf(doc, target)!.parent as Record<string, unknown>)[parentOf(doc, target)!.key] as Record<string, Json>;
      const k = pick(r, Object.keys(obj));
      const second = pick(r, WRONG_TYPES);
      const body = Object.entries(obj).map(([kk, vv]) => `${JSON.stringify(kk)}:${serialize(vv)}`);
      body.push(`${JSON.stringify(k)}:${serialize(second as Json)}`);
      placeAt(doc, target, new Raw(`{${body.join(',')}}`));
      return `${target}/${esc(k)}: duplicated, second value ${show(second)}`;
    }
    case 8: {
      // invalid UTF-8 inside a string: marked here, turned into bytes after serializing
      const strs = pointers.filter((p) => typeof (parentOf(doc, p)?.parent as Record<string, unknown> | undefined)?.[parentOf(doc, p)!.key] === 'string');
      if (!strs.length) return undefined;
      const target = pick(r, strs);
      const p = parentOf(doc, target)!;
      (p.parent as Record<string, unknown>)[p.key] = `${(p.parent as Record<string, string>)[p.key]}@@badutf8@@`;
      return `${target}: invalid UTF-8 bytes appended`;
    }
    case 9:
    case 10: {
      const [where, theme] = pick(r, ADD_AT);
      if (keep(where)) return undefined;
      const arr = ensureArrayAt(doc, where);
      if (!arr) return undefined;
      const v = theme === 'paths' ? pick(r, PATHS) : pick(r, ENTRIES[theme]!);
      arr.splice(Math.floor(r() * (arr.length + 1)), 0, v);
      return `${where}/-: added ${show(v)}`;
    }
    case 11: {
      if (keep('/linux/sysctl')) return undefined;
      const linux = (doc as Record<string, Json>).linux;
      if (!linux || typeof linux !== 'object' || Array.isArray(linux)) return undefined;
      const v = pick(r, SYSCTLS);
      (linux as Record<string, Json>).sysctl = { ...((linux as Record<string, Record<string, Json>>).sysctl ?? {}), ...v };
      return `/linux/sysctl: added ${show(v)}`;
    }
    case 12: {
      // a required member removed: one the schema or start needs
      const target = pick(r, ['/ociVersion', '/root', '/root/path', '/process/args', '/process/cwd', '/process/user', '/process/user/uid', '/linux/namespaces/0/type', '/mounts/0/destination', '/linux/seccomp/defaultAction']);
      if (keep(target)) return undefined;
      const p = parentOf(doc, target);
      if (!p || !(p.key in p.parent)) return undefined;
      if (Array.isArray(p.parent)) p.parent.splice(Number(p.key), 1);
      else delete p.parent[p.key];
      return `${target}: removed`;
    }
    default: {
      // null anywhere
      return placeAt(doc, at, null) ? `${at}: null` : undefined;
    }
  }
}

/** Case `i` of the run seeded `seed`: a seed document with one to three mutations. */
export function makeCase(seeds: readonly FuzzSeed[], seed: number, i: number, o: MutateOptions = {}): FuzzCase {
  const r = prng(caseSeed(seed, i));
  const s = seeds[Math.floor(r() * seeds.length)]!;
  const doc = structuredClone(s.doc);
  const mutations: string[] = [];
  const want = 1 + Math.floor(r() * 3);
  for (let tries = 0; mutations.length < want && tries < 20; tries++) {
    const m = mutateOnce(doc, r, o);
    if (m) mutations.push(m);
  }
  const text = serialize(doc);
  const parts = text.split('@@badutf8@@');
  const bad = [Buffer.from([0xff]), Buffer.from([0xc0, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82])];
  const bytes = Buffer.concat(parts.flatMap((t, k) => (k === 0 ? [Buffer.from(t)] : [pick(r, bad), Buffer.from(t)])));
  if (r() < 0.05) {
    // not JSON at all: the text cut short
    const at = Math.floor(r() * bytes.length);
    mutations.push(`text cut at byte ${at} of ${bytes.length}`);
    return { seed: s.name, mutations, bytes: bytes.subarray(0, at) };
  }
  return { seed: s.name, mutations, bytes };
}

/** How a case is named in a failure: enough to replay it. */
export function describeCase(runSeed: number, i: number, c: FuzzCase): string {
  return `BERTH_FUZZ_SEED=${runSeed} BERTH_FUZZ_CASE=${i} (seed document ${c.seed}; ${c.mutations.join('; ') || 'no mutation'})`;
}
