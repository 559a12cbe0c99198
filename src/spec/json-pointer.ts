// JSON Pointers (RFC 6901), the form every config error uses to name its field: "/process/args/0".

/** The pointer for a path of keys and indexes; "/" and "~" inside a key are escaped. */
export function pointer(...parts: (string | number)[]): string {
  let out = '';
  for (const part of parts) out += '/' + escapeKey(String(part));
  return out;
}

function escapeKey(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

/** A pointer extended by more keys. */
export function under(base: string, ...parts: (string | number)[]): string {
  return base + pointer(...parts);
}

/** The value a pointer names in a document, or undefined when there is none. */
export function valueAt(doc: unknown, ptr: string): unknown {
  if (ptr === '') return doc;
  let cur = doc;
  for (const raw of ptr.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
