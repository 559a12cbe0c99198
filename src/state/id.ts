// Container ids become directory names under --root (and parts of cgroup paths), so they are
// checked before any path is built from them. The character set is runc's ([A-Za-z0-9_+.-];
// runc's own regex also lets ',' slip through a range, berth does not). "." and ".." are
// refused because they name the root itself or its parent. The length bound is NAME_MAX
// (255): a longer id could never become a directory name, and failing here gives a clear
// message instead of ENAMETOOLONG halfway through a create.

import { BerthError } from '../errors.js';

export const MAX_ID_LENGTH = 255;

/** [A-Za-z0-9_+.-], as a loop: no regex on the short commands' path (sys/chars.ts says why). */
function allowedChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 43 || c === 46 || c === 45;
}

function allAllowed(id: string): boolean {
  for (let i = 0; i < id.length; i++) if (!allowedChar(id.charCodeAt(i))) return false;
  return true;
}

/** Throws a BerthError that says what is wrong with `id`; returns it unchanged when valid. */
export function validateId(id: string): string {
  if (typeof id !== 'string' || id.length === 0) throw new BerthError('invalid container ID format: the id is empty');
  if (id.length > MAX_ID_LENGTH) {
    throw new BerthError(`invalid container ID format: the id is ${id.length} characters long (at most ${MAX_ID_LENGTH})`);
  }
  if (id === '.' || id === '..') throw new BerthError(`invalid container ID format: "${id}" is not a name`);
  if (!allAllowed(id)) {
    throw new BerthError(`invalid container ID format: ${JSON.stringify(id)} (allowed: letters, digits, "_", "+", "-", ".")`);
  }
  return id;
}

export function isValidId(id: string): boolean {
  try {
    validateId(id);
    return true;
  } catch {
    return false;
  }
}
