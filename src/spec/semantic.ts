// Rules config.json must follow that a JSON Schema cannot express (runtime-spec prose, kernel
// limits, runc's checks). They run after schema validation, so the document has the schema's
// shape. The first broken rule throws a ConfigError naming the JSON path; problems the spec
// only asks to log (an unknown capability, a relative mount destination) come back as warnings.

import type { Spec } from './types.js';
import { type ConfigWarning, Findings } from './rules/findings.js';
import { checkBeyondSchema } from './rules/beyond-schema.js';
import { checkAnnotations, checkHooks, checkNames, checkRoot, checkVersion } from './rules/general.js';
import { checkIntelRdt, checkMemoryPolicy, checkNetDevices, checkPersonality } from './rules/linux-misc.js';
import { checkDevices, checkMaskedAndReadonly, checkMounts } from './rules/mounts.js';
import { checkNamespaceList, checkTimeOffsets, checkUserNamespace } from './rules/namespaces.js';
import { namespaceView } from './rules/namespace-view.js';
import { checkProcess, checkStartable as startable } from './rules/process.js';
import { checkResources } from './rules/resources.js';
import { checkSeccomp } from './rules/seccomp.js';
import { checkSysctl } from './rules/sysctl.js';

export type { ConfigWarning } from './rules/findings.js';

/** Checks a schema-valid config for Linux; returns the warnings, throws on the first error. */
export function checkSemantics(spec: Spec): ConfigWarning[] {
  const f = new Findings();
  checkVersion(f, spec);
  checkRoot(f, spec);
  checkNamespaceList(f, spec);
  const ns = namespaceView(spec);
  checkMounts(f, spec, ns);
  checkProcess(f, spec);
  checkNames(f, spec, ns);
  checkHooks(f, spec);
  checkAnnotations(f, spec);
  checkUserNamespace(f, spec, ns);
  checkTimeOffsets(f, spec, ns);
  checkDevices(f, spec);
  checkMaskedAndReadonly(f, spec);
  checkResources(f, spec);
  checkSeccomp(f, spec);
  checkSysctl(f, spec, ns);
  checkPersonality(f, spec);
  checkMemoryPolicy(f, spec);
  checkNetDevices(f, spec, ns);
  checkIntelRdt(f, spec);
  checkBeyondSchema(f, spec);
  return f.warnings;
}

/**
 * What `start` (and so create/run) additionally needs: a process with a program to run.
 * Kept apart because a config without a process is still valid (config.md: process is
 * REQUIRED only when start is called).
 */
export function checkStartable(spec: Spec): void {
  startable(new Findings(), spec);
}
