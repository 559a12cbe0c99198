// Loads a bundle: <bundle>/config.json parsed and validated, root.path resolved and checked.

import fs from 'node:fs';
import path from 'node:path';
import { BerthError, ConfigError } from '../errors.js';
import { checkSemantics } from './semantic.js';
import type { Spec } from './types.js';
import { validateConfigSchema } from './validate.js';

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
    throw new ConfigError('', `is not valid JSON: ${(err as Error).message}`);
  }
  validateConfigSchema(spec);
  checkSemantics(spec);
  const rootfs = path.resolve(bundle, spec.root!.path);
  let st: fs.Stats;
  try {
    st = fs.statSync(rootfs);
  } catch {
    throw new ConfigError('/root/path', `rootfs ${rootfs} does not exist`);
  }
  if (!st.isDirectory()) throw new ConfigError('/root/path', `rootfs ${rootfs} is not a directory`);
  return { spec, bundle, rootfs, warnings: [] };
}
