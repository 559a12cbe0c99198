// Schema validation with the validators compiled ahead of time (scripts/compile-schemas.js):
// nothing is compiled here. A failure becomes one error that names the JSON path, the value
// found there and the rule it breaks.

import { BerthError, ConfigError } from '../errors.js';
import * as generated from './generated/validators.js';
import { valueAt } from './json-pointer.js';
import type { GeneratedValidators, SchemaError, Validator } from './validators.js';

const validators = generated as unknown as GeneratedValidators;

/** A config.json schema violation: still a ConfigError, with the rule and value kept apart. */
export class ConfigSchemaError extends ConfigError {
  constructor(jsonPath: string, detail: string, readonly rule: string, readonly value: unknown) {
    super(jsonPath, detail);
  }
}

export interface SchemaViolation {
  jsonPath: string;
  /** a sentence naming the value found and the rule it breaks */
  detail: string;
  /** the schema keyword broken (type, required, enum, minimum, ...) */
  rule: string;
  /** the offending value; undefined for a missing member */
  value: unknown;
}

// Keywords that only summarise their branches' errors: the branch errors say more.
const SUMMARIES = new Set(['anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else', '$ref']);

const depth = (e: SchemaError) => (e.instancePath === '' ? 0 : e.instancePath.split('/').length - 1) + (e.keyword === 'required' ? 1 : 0);

/**
 * The most useful of several errors. ajv stops at the first failure, except inside anyOf/oneOf,
 * where it reports every branch. The branch that got deepest into the value matched the most of
 * it, so its error is the one the author meant; at equal depth an error other than a type
 * mismatch wins (the type matched that branch), and type mismatches at one place merge into one.
 */
export function pickSchemaError(errors: readonly SchemaError[]): SchemaError {
  const specific = errors.filter((e) => !SUMMARIES.has(e.keyword));
  const pool = specific.length ? specific : [...errors];
  let best = pool[0]!;
  for (const e of pool.slice(1)) {
    const d = depth(e) - depth(best);
    if (d > 0 || (d === 0 && best.keyword === 'type' && e.keyword !== 'type')) best = e;
  }
  if (best.keyword !== 'type') return best;
  const types = new Set<string>();
  for (const e of pool) {
    if (e.keyword === 'type' && e.instancePath === best.instancePath) String(e.params.type).split(',').forEach((t) => types.add(t));
  }
  return { ...best, params: { ...best.params, type: [...types].join(',') } };
}

const ARTICLE: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return ARTICLE[typeof v] ?? typeof v;
}

const SHOWN = 60;

/**
 * A short rendering of a value for a message. Built piece by piece and cut off once long
 * enough: JSON.stringify of the whole value would overflow the stack on a deeply nested one
 * (a config.json is anyone's input) and copy a huge one only to cut it.
 */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = render(v, SHOWN + 1);
  return text.length > SHOWN ? text.slice(0, SHOWN - 3) + '...' : text;
}

/** JSON text of v, stopped once it is at least `room` characters long. */
function render(v: unknown, room: number): string {
  // 1e400 in the text is Infinity here, which JSON.stringify would show as null
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v === null || typeof v !== 'object') {
    const text = typeof v === 'string' && v.length > room ? JSON.stringify(v.slice(0, room)) : JSON.stringify(v);
    return text ?? 'null';
  }
  const arr = Array.isArray(v);
  let out = arr ? '[' : '{';
  for (const [k, x] of Object.entries(v)) {
    if (out.length >= room) break;
    if (out.length > 1) out += ',';
    if (!arr) out += JSON.stringify(k) + ':';
    out += render(x, room - out.length);
  }
  return out.length >= room ? out : out + (arr ? ']' : '}');
}

// Limits that identify an integer type, so "too large" can say which range applies.
const NAMED_LIMITS: [number, number, string][] = [
  [0, 4294967295, 'uint32: 0 to 4294967295'],
  [0, 18446744073709551615, 'uint64: 0 to 18446744073709551615'],
  [0, 65535, 'uint16: 0 to 65535'],
  [-2147483648, 2147483647, 'int32: -2147483648 to 2147483647'],
  [-9223372036854775808, 9223372036854775807, 'int64: -9223372036854775808 to 9223372036854775807'],
  [0, 511, 'a file mode: 0 to 511, that is 0o777'],
];

function rangeNote(limit: number, max: boolean): string {
  const hit = NAMED_LIMITS.find(([lo, hi]) => (max ? hi === limit : lo === limit && lo !== 0));
  return hit ? ` (${hit[2]})` : '';
}

/** One schema error as path + sentence + rule + value. */
export function describeSchemaError(doc: unknown, e: SchemaError): SchemaViolation {
  const p = e.params;
  const value = valueAt(doc, e.instancePath);
  const shown = showValue(value);
  const at = (detail: string): SchemaViolation => ({ jsonPath: e.instancePath, detail, rule: e.keyword, value });
  switch (e.keyword) {
    case 'required': {
      const name = String(p.missingProperty);
      return { jsonPath: `${e.instancePath}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, detail: 'is required but missing', rule: 'required', value: undefined };
    }
    case 'type': {
      const wanted = String(p.type).split(',').map((t) => ARTICLE[t] ?? t).join(' or ');
      return at(`${shown} is ${kindOf(value)}, but must be ${wanted}`);
    }
    case 'enum':
      return at(`${shown} is not one of the allowed values: ${(p.allowedValues as unknown[]).map(String).join(', ')}`);
    case 'minimum':
    case 'exclusiveMinimum':
      return at(`${shown} is too small: must be ${String(p.comparison)} ${String(p.limit)}${rangeNote(Number(p.limit), false)}`);
    case 'maximum':
    case 'exclusiveMaximum':
      return at(`${shown} is too large: must be ${String(p.comparison)} ${showLimit(Number(p.limit))}${rangeNote(Number(p.limit), true)}`);
    case 'pattern':
      return at(`${shown} does not match the pattern ${String(p.pattern)}`);
    case 'minItems':
      return at(`${shown} must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`);
    case 'additionalProperties':
      return { jsonPath: e.instancePath, detail: `has the unknown member "${String(p.additionalProperty)}"`, rule: e.keyword, value };
    case 'anyOf':
    case 'oneOf':
      return at(`${shown} matches none of the forms allowed here`);
    default:
      return at(`${shown} breaks the schema rule "${e.keyword}"`);
  }
}

/** 2^64-1 and 2^63-1 print as their exact integers, not as the nearest doubles. */
function showLimit(n: number): string {
  if (n === 18446744073709551615) return '18446744073709551615';
  if (n === 9223372036854775807) return '9223372036854775807';
  return String(n);
}

function violation(validator: Validator, doc: unknown): SchemaViolation | undefined {
  if (validator(doc)) return undefined;
  const errors = validator.errors ?? [];
  if (!errors.length) return { jsonPath: '', detail: 'is not valid', rule: 'unknown', value: doc };
  return describeSchemaError(doc, pickSchemaError(errors));
}

/** Throws ConfigSchemaError when doc breaks berth's config.json schema. */
export function validateConfigSchema(doc: unknown): void {
  const v = violation(validators.validateConfig, doc);
  if (v) throw new ConfigSchemaError(v.jsonPath, v.detail, v.rule, v.value);
}

function checkOther(name: string, validator: Validator, doc: unknown): void {
  const v = violation(validator, doc);
  if (v) throw new BerthError(`${name} ${v.jsonPath || '/'}: ${v.detail}`);
}

/** Throws a BerthError naming `file` and the JSON path when doc is not a valid process (exec --process). */
export function validateProcessSchema(doc: unknown, file: string): void {
  const v = violation(validators.validateProcess, doc);
  if (v) throw new BerthError(`${file} ${v.jsonPath || '/'}: ${v.detail}`);
}

export const validateStateSchema = (doc: unknown) => checkOther('state', validators.validateState, doc);
export const validateFeaturesSchema = (doc: unknown) => checkOther('features', validators.validateFeatures, doc);

/** The raw validators, for verdicts without messages (the differential test, `berth features` tests). */
export const schemaValidators: GeneratedValidators = validators;
