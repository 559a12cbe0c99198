// Loads a bundle: <bundle>/config.json read, parsed, checked against berth's schema and the
// semantic rules, and root.path resolved to an existing directory. Every failure says which
// file or JSON field is wrong.

import { errnoCode, io, isDirectoryMode } from '../sys/io.js';
import * as path from '../sys/posix-path.js';
import { BerthError, ConfigError } from '../errors.js';
import { parseJsonDocument } from './json-syntax.js';
import { checkSemantics, checkStartable } from './semantic.js';
import type { Spec } from './types.js';
import { validateConfigSchema } from './validate.js';

export interface LoadedBundle {
  spec: Spec;
  /** the bundle directory: absolute, symlinks resolved */
  bundle: string;
  /** root.path resolved against the bundle: absolute, symlinks resolved, a directory */
  rootfs: string;
  /** problems the spec asks to log, not to fail on, worded "config.json <path>: ..." */
  warnings: string[];
}

export interface LoadOptions {
  /**
   * Also require what `start` needs (a process with args). On by default: create and run
   * build the whole launch plan up front. Turn it off to inspect a bundle without a process.
   */
  startable?: boolean;
}

export { MAX_NESTING } from './json-syntax.js';

/** JSON text -> value; a syntax error becomes a ConfigError with line and column. */
export function parseConfigText(text: string): unknown {
  return parseJsonDocument(text, (reason) => new ConfigError('', reason));
}

/** A parsed config.json checked by the schema, the semantic rules and optionally for start. */
export function checkConfig(doc: unknown, options: LoadOptions = {}): { spec: Spec; warnings: string[] } {
  validateConfigSchema(doc);
  const spec = doc as Spec;
  const warnings = checkSemantics(spec).map((w) => w.message);
  if (options.startable ?? true) checkStartable(spec);
  return { spec, warnings };
}

function realDirectory(dir: string, what: (reason: string) => BerthError): string {
  let real: string;
  try {
    real = io().realpath(dir);
  } catch (err) {
    const code = errnoCode(err);
    throw what(code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code ?? String(err)})`);
  }
  if (!isDirectoryMode(io().stat(real)[0]!)) throw what('is not a directory');
  return real;
}

export function loadBundle(bundleDir: string, options: LoadOptions = {}): LoadedBundle {
  const bundle = realDirectory(path.resolve(bundleDir), (reason) => new BerthError(`bundle ${bundleDir} ${reason}`));
  const file = path.join(bundle, 'config.json');
  let text: string;
  try {
    text = io().readFile(file);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') throw new BerthError(`bundle ${bundle} has no config.json`);
    throw new BerthError(`cannot read ${file}: ${code === 'EISDIR' ? 'it is a directory' : (code ?? String(err))}`);
  }
  const { spec, warnings } = checkConfig(parseConfigText(text), options);
  // config.md: a relative root.path is relative to the bundle; a directory MUST exist there.
  const given = spec.root!.path;
  const rootfs = realDirectory(path.resolve(bundle, given), (reason) => new ConfigError('/root/path', `"${given}" (${path.resolve(bundle, given)}) ${reason}`));
  return { spec, bundle, rootfs, warnings };
}
