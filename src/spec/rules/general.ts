// Top-level rules: the spec version, the root filesystem, hostname and domainname, annotation
// keys and hook paths.

import type { Hook, Spec } from '../types.js';
import { pointer } from '../json-pointer.js';
import type { Findings } from './findings.js';
import type { NamespaceView } from './namespace-view.js';
import { checkAbsolute, checkNoNul, hasNul, longerThanBytes } from './paths.js';
import { isDigits } from '../../sys/chars.js';

/** A SemVer number: digits without a leading zero. */
const isNumber = (s: string) => isDigits(s) && (s === '0' || s[0] !== '0');
const isIdentifier = (s: string) => s !== '' && [...s].every((c) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '-');

/**
 * The major version of a SemVer 2.0.0 string (MAJOR.MINOR.PATCH, then optional -pre.release
 * and +build parts, where a numeric pre-release part has no leading zero), or undefined.
 */
export function semverMajor(v: string): string | undefined {
  let core = v;
  const plus = core.indexOf('+');
  if (plus >= 0) {
    if (!core.slice(plus + 1).split('.').every(isIdentifier)) return undefined;
    core = core.slice(0, plus);
  }
  const dash = core.indexOf('-');
  if (dash >= 0) {
    const pre = core.slice(dash + 1).split('.');
    if (!pre.every((p) => isIdentifier(p) && (!isDigits(p) || isNumber(p)))) return undefined;
    core = core.slice(0, dash);
  }
  const numbers = core.split('.');
  return numbers.length === 3 && numbers.every(isNumber) ? numbers[0] : undefined;
}

/** Any 1.x version is read (engines still write "1.0.2-dev"); other majors are refused. */
export function checkVersion(f: Findings, spec: Spec): void {
  const v = spec.ociVersion;
  const major = semverMajor(v);
  if (major === undefined) f.fail('/ociVersion', `"${v}" is not a SemVer 2.0.0 version such as "1.3.0"`);
  if (major !== '1') f.fail('/ociVersion', `runtime-spec ${v} is not supported: berth reads version 1.x configs`);
}

export function checkRoot(f: Findings, spec: Spec): void {
  if (!spec.root) f.fail('/root', 'is required on Linux: it names the container\'s root filesystem');
  if (spec.root.path === '') f.fail('/root/path', 'is empty');
  checkNoNul(f, '/root/path', spec.root.path, 'the path');
}

// HOST_NAME_MAX: sethostname(2) and setdomainname(2) refuse longer names.
const NAME_MAX_BYTES = 64;

/** runc's rule: the names can only be set in a uts namespace of the container's own. */
export function checkNames(f: Findings, spec: Spec, ns: NamespaceView): void {
  for (const field of ['hostname', 'domainname'] as const) {
    const name = spec[field];
    if (name === undefined || name === '') continue;
    if (!ns.has('uts')) f.fail(`/${field}`, `setting the ${field} needs a uts namespace in /linux/namespaces`);
    checkNoNul(f, `/${field}`, name, `the ${field}`);
    if (longerThanBytes(name, NAME_MAX_BYTES)) {
      f.fail(`/${field}`, `"${name}" is ${Buffer.byteLength(name)} bytes long; the kernel takes at most ${NAME_MAX_BYTES}`);
    }
  }
}

export function checkAnnotations(f: Findings, spec: Spec): void {
  if (spec.annotations && Object.prototype.hasOwnProperty.call(spec.annotations, '')) {
    f.fail(pointer('annotations', ''), 'an annotation key must not be empty');
  }
}

/** The hook lists berth runs; other members of `hooks` are unknown extensions, ignored as runc does. */
const HOOK_KINDS = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;

export function checkHooks(f: Findings, spec: Spec): void {
  for (const kind of HOOK_KINDS) {
    const hooks = (spec.hooks as Record<string, Hook[] | undefined> | undefined)?.[kind];
    (hooks ?? []).forEach((hook, i) => {
      const at = pointer('hooks', kind, i);
      checkAbsolute(f, `${at}/path`, hook.path, 'hook path');
      (hook.args ?? []).forEach((a, j) => {
        if (hasNul(a)) f.fail(`${at}/args/${j}`, 'the argument contains a NUL byte');
      });
      (hook.env ?? []).forEach((e, j) => {
        if (hasNul(e)) f.fail(`${at}/env/${j}`, 'the variable contains a NUL byte');
      });
    });
  }
}
