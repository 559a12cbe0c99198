// Rules for the smaller /linux sections: personality, memoryPolicy, netDevices, intelRdt.

import type { Spec } from '../types.js';
import { pointer } from '../json-pointer.js';
import type { Findings } from './findings.js';
import type { NamespaceView } from './namespace-view.js';
import { numberListProblem } from './number-lists.js';
import { hasSpaceOrControl, longerThanBytes } from './paths.js';

export function checkPersonality(f: Findings, spec: Spec): void {
  const p = spec.linux?.personality;
  if (p && p.domain === undefined) f.fail('/linux/personality/domain', 'is required when personality is set');
}

// set_mempolicy(2): these modes take no node list, these need one.
const NO_NODES = new Set(['MPOL_DEFAULT', 'MPOL_LOCAL']);
const NEEDS_NODES = new Set(['MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_WEIGHTED_INTERLEAVE', 'MPOL_PREFERRED_MANY']);

export function checkMemoryPolicy(f: Findings, spec: Spec): void {
  const mp = spec.linux?.memoryPolicy;
  if (!mp) return;
  const at = '/linux/memoryPolicy';
  if (mp.mode === undefined) f.fail(`${at}/mode`, 'is required when memoryPolicy is set');
  const nodes = mp.nodes ?? '';
  const problem = numberListProblem(nodes);
  if (problem) f.fail(`${at}/nodes`, `is not a node list: ${problem}`);
  if (NO_NODES.has(mp.mode) && nodes.trim() !== '') f.fail(`${at}/nodes`, `${mp.mode} takes no nodes`);
  if (NEEDS_NODES.has(mp.mode) && nodes.trim() === '') f.fail(`${at}/nodes`, `${mp.mode} needs at least one node`);
  const flags = mp.flags ?? [];
  if (flags.includes('MPOL_F_RELATIVE_NODES') && flags.includes('MPOL_F_STATIC_NODES')) {
    f.fail(`${at}/flags`, 'MPOL_F_RELATIVE_NODES and MPOL_F_STATIC_NODES exclude each other');
  }
}

// dev_valid_name(): at most IFNAMSIZ-1 bytes, not "." or "..", no "/", ":" or white space.
function interfaceNameProblem(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return `"${name}" is not an interface name`;
  if (longerThanBytes(name, 15)) return `"${name}" is longer than 15 bytes`;
  if (name.includes('/') || name.includes(':') || hasSpaceOrControl(name)) return `"${name}" contains "/", ":" or white space`;
  return undefined;
}

/** Devices move into the container's network namespace: there must be one (runc's rule). */
export function checkNetDevices(f: Findings, spec: Spec, ns: NamespaceView): void {
  const devices = spec.linux?.netDevices ?? {};
  const targets = new Map<string, string>();
  for (const [hostName, dev] of Object.entries(devices)) {
    const at = pointer('linux', 'netDevices', hostName);
    if (!ns.has('network')) f.fail(at, 'moving a network device needs a network namespace in /linux/namespaces');
    const hostProblem = interfaceNameProblem(hostName);
    if (hostProblem) f.fail(at, hostProblem);
    const target = dev.name || hostName;
    const targetProblem = interfaceNameProblem(target);
    if (targetProblem) f.fail(`${at}/name`, targetProblem);
    // "%d" asks the kernel for a free name, so only fixed names can collide.
    const earlier = targets.get(target);
    if (earlier !== undefined && !target.includes('%d')) f.fail(at, `"${target}" is also the name given to ${earlier}`);
    targets.set(target, at);
  }
}

export function checkIntelRdt(f: Findings, spec: Spec): void {
  const clos = spec.linux?.intelRdt?.closID;
  // closID names a directory of the resctrl filesystem.
  if (typeof clos === 'string' && (clos === '.' || clos === '..' || clos.includes('/') || clos.includes('\0'))) {
    f.fail('/linux/intelRdt/closID', `"${clos}" is not a resctrl group name`);
  }
}
