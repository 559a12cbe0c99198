// Container ids become directory names under --root, so they are checked before any path is
// built from them: runc's character set, no '/', never '.' or '..', bounded length.

import { UsageError } from '../errors.js';

const VALID = /^[\w+\-.]+$/;
export const MAX_ID_LENGTH = 1024;

export function validateId(id: string): void {
  if (!id) throw new UsageError('container id cannot be empty');
  if (id.length > MAX_ID_LENGTH) throw new UsageError(`invalid container id: longer than ${MAX_ID_LENGTH} characters`);
  if (id === '.' || id === '..' || !VALID.test(id)) throw new UsageError(`invalid container id format: ${id}`);
}
