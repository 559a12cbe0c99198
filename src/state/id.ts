// Container ids become directory names under --root (and parts of cgroup paths), so they are
// checked before any path is built from them. The character set is runc's ([A-Za-z0-9_+.-];
// runc's own regex also lets ',' slip through a range, berth does not). "." and ".." are
// refused because they name the root itself or its parent. The length bound is NAME_MAX
// (255): a longer id could never become a directory name, and failing here gives a clear
// message instead of ENAMETOOLONG halfway through a create.

import { BerthError } from '../errors.js';

const ALLOWED = /^[A-Za-z0-9_+.-]+$/;
export const MAX_ID_LENGTH = 255;

/** Throws a BerthError that says what is wrong with `id`; returns it unchanged when valid. */
export function validateId(id: string): string {
  if (typeof id !== 'string' || id.length === 0) throw new BerthError('invalid container ID format: the id is empty');
  if (id.length > MAX_ID_LENGTH) {
    throw new BerthError(`invalid container ID format: the id is ${id.length} characters long (at most ${MAX_ID_LENGTH})`);
  }
  if (id === '.' || id === '..') throw new BerthError(`invalid container ID format: "${id}" is not a name`);
  if (!ALLOWED.test(id)) {
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
