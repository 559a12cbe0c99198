// POSIX path arithmetic (join, resolve, dirname, relative), with node:path.posix's results, for
// the modules every short command loads: Bun compiles node:path at its first use, ~4 ms of
// start-up when it is the first built-in loaded (docs/performance.md, "Start-up").
// test/unit/posix-path.test.ts checks each function against node:path.posix.

/** Collapses "", ".", ".." and repeated slashes; absolute paths cannot climb above "/". */
function normalizeParts(p: string, absolute: boolean): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(part);
  }
  const body = out.join('/');
  return absolute ? `/${body}` : body || '.';
}

export function isAbsolute(p: string): boolean {
  return p.startsWith('/');
}

export function normalize(p: string): string {
  if (p === '') return '.';
  const n = normalizeParts(p, isAbsolute(p));
  return p.endsWith('/') && n !== '/' ? `${n}/` : n;
}

export function join(...parts: string[]): string {
  const joined = parts.filter((x) => x !== '').join('/');
  return joined === '' ? '.' : normalize(joined);
}

/** Resolves right to left until a path is absolute; relative to `cwd` (default process.cwd()). */
export function resolve(...parts: string[]): string {
  let acc = '';
  for (let i = parts.length - 1; i >= 0 && !isAbsolute(acc); i--) {
    if (parts[i]) acc = acc ? `${parts[i]}/${acc}` : parts[i]!;
  }
  if (!isAbsolute(acc)) acc = acc ? `${process.cwd()}/${acc}` : process.cwd();
  return normalizeParts(acc, true);
}

export function dirname(p: string): string {
  if (p === '') return '.';
  const hasRoot = p.startsWith('/');
  let end = -1;
  let inTrailingSlashes = true;
  for (let i = p.length - 1; i >= 1; i--) {
    if (p[i] === '/') {
      if (!inTrailingSlashes) {
        end = i;
        break;
      }
    } else inTrailingSlashes = false;
  }
  if (end === -1) return hasRoot ? '/' : '.';
  if (hasRoot && end === 1) return '//';
  return p.slice(0, end);
}

export function basename(p: string): string {
  // Trailing slashes off without a regex: every command calls this (sys/addon-path.ts), and the
  // first regex of a process costs ~0.5 ms (sys/chars.ts).
  let end = p.length;
  while (end > 0 && p[end - 1] === '/') end--;
  const trimmed = p.slice(0, end);
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export function relative(from: string, to: string): string {
  const a = resolve(from).split('/').filter(Boolean);
  const b = resolve(to).split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...Array(a.length - i).fill('..'), ...b.slice(i)].join('/');
}
