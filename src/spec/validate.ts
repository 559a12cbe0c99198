// Schema validation with the precompiled validators, turned into errors that name the JSON
// path, the value found there and the rule it breaks.

import { ConfigError } from '../errors.js';
import * as generated from './generated/validators.js';
import type { SchemaError, Validator } from './validators.js';

const validators = generated as unknown as Record<'validateConfig' | 'validateState' | 'validateFeatures', Validator>;

function valueAt(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function show(v: unknown): string {
  const text = JSON.stringify(v);
  if (text === undefined) return 'nothing';
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

/** One sentence for the first schema error: where, what was found, which rule. */
export function describeSchemaError(doc: unknown, e: SchemaError): ConfigError {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return new ConfigError(`${e.instancePath}/${String(p.missingProperty)}`, 'is required but missing');
    case 'type':
      return new ConfigError(e.instancePath, `${show(valueAt(doc, e.instancePath))} must be of type ${String(p.type)}`);
    case 'enum':
      return new ConfigError(e.instancePath, `${show(valueAt(doc, e.instancePath))} must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`);
    case 'minimum':
    case 'maximum':
      return new ConfigError(e.instancePath, `${show(valueAt(doc, e.instancePath))} must be ${p.comparison} ${String(p.limit)}`);
    case 'pattern':
      return new ConfigError(e.instancePath, `${show(valueAt(doc, e.instancePath))} must match ${String(p.pattern)}`);
    case 'minItems':
      return new ConfigError(e.instancePath, `must have at least ${String(p.limit)} item(s)`);
    default:
      return new ConfigError(e.instancePath, `${show(valueAt(doc, e.instancePath))} ${e.message ?? 'is invalid'}`);
  }
}

function check(validator: Validator, doc: unknown): void {
  if (validator(doc)) return;
  const errors = validator.errors ?? [];
  throw describeSchemaError(doc, errors[0]!);
}

export const validateConfigSchema = (doc: unknown) => check(validators.validateConfig, doc);
export const validateStateSchema = (doc: unknown) => check(validators.validateState, doc);
export const validateFeaturesSchema = (doc: unknown) => check(validators.validateFeatures, doc);
/** Raw verdicts, for the differential test. */
export const schemaValidators = validators;
