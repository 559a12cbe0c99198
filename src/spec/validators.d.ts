// Types for the generated standalone validators (src/spec/generated/validators.js).
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
export interface Validator {
  (doc: unknown): boolean;
  errors?: SchemaError[] | null;
}
