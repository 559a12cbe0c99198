// Loads a bundle: <bundle>/config.json parsed and validated, root.path resolved and checked.
// (Interim loader: structural checks only until the schema validators land.)

import fs from 'node:fs';
import path from 'node:path';
import { BerthError, ConfigError } from '../errors.js';
import type { Spec } from './types.js';

export interface LoadedBundle {
  spec: Spec;
  bundle: string;
  rootfs: string;
  warnings: string[];
}

export function loadBundle(bundleDir: string): LoadedBundle {
  let bundle: string;
  try {
    bundle = fs.realpathSync(bundleDir);
  } catch {
    throw new BerthError(`bundle ${bundleDir} does not exist`);
  }
  const file = path.join(bundle, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new BerthError(`bundle ${bundle} has no config.json`);
  }
  let spec: Spec;
  try {
    spec = JSON.parse(text) as Spec;
  } catch (err) {
    throw new ConfigError('', `not valid JSON: ${(err as Error).message}`);
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new ConfigError('', 'must be a JSON object');
  if (typeof spec.ociVersion !== 'string' || !/^1\.\d+\.\d+/.test(spec.ociVersion)) {
    throw new ConfigError('/ociVersion', `"${String(spec.ociVersion)}" is not a 1.x runtime-spec version`);
  }
  if (!spec.root || typeof spec.root.path !== 'string') throw new ConfigError('/root/path', 'is required on Linux');
  if (spec.process) {
    if (typeof spec.process.cwd !== 'string') throw new ConfigError('/process/cwd', `${JSON.stringify(spec.process.cwd)} must be a string`);
    if (!spec.process.cwd.startsWith('/')) throw new ConfigError('/process/cwd', `"${spec.process.cwd}" must be an absolute path`);
  }
  const rootfs = path.resolve(bundle, spec.root.path);
  let st: fs.Stats;
  try {
    st = fs.statSync(rootfs);
  } catch {
    throw new ConfigError('/root/path', `rootfs ${rootfs} does not exist`);
  }
  if (!st.isDirectory()) throw new ConfigError('/root/path', `rootfs ${rootfs} is not a directory`);
  return { spec, bundle, rootfs, warnings: [] };
}
