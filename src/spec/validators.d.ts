// Hand-written types for src/spec/generated/validators.js, which scripts/compile-schemas.js
// generates from schemas/ with ajv (standalone code, CommonJS). The generated file is not in git.

/** One ajv error. berth compiles with messages off: validate.ts writes its own sentences. */
export interface SchemaError {
  /** JSON Pointer to the offending value ("" for the whole document) */
  instancePath: string;
  /** where in the schema the rule is */
  schemaPath: string;
  /** the rule broken: type, required, enum, minimum, maximum, pattern, minItems, anyOf, ... */
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface Validator {
  (doc: unknown): boolean;
  /** set after a failed call; ajv stops at the first failure, but anyOf/oneOf report each branch */
  errors?: SchemaError[] | null;
}

export interface GeneratedValidators {
  validateConfig: Validator;
  /** config.json's process alone: exec --process */
  validateProcess: Validator;
  validateState: Validator;
  validateFeatures: Validator;
}
