// What a semantic rule can report: an error (thrown at once, as a ConfigError naming the JSON
// path) or a warning (collected; the spec asks for some problems only to be logged).

import { ConfigError } from '../../errors.js';

export interface ConfigWarning {
  jsonPath: string;
  detail: string;
  /** "config.json <path>: <detail>", worded like a ConfigError */
  message: string;
}

export class Findings {
  readonly warnings: ConfigWarning[] = [];

  fail(jsonPath: string, detail: string): never {
    throw new ConfigError(jsonPath, detail);
  }

  warn(jsonPath: string, detail: string): void {
    this.warnings.push({ jsonPath, detail, message: `config.json ${jsonPath || '/'}: ${detail}` });
  }
}
