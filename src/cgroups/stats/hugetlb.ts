// hugetlb statistics, one entry per page size, for both versions: the sizes come from the
// hugetlb.<size>.limit_in_bytes (v1) or hugetlb.<size>.max (v2) files present.

import * as path from '../../sys/posix-path.js';
import type { CgroupFiles } from '../resources/files.js';
import { nonZero, readU64 } from './parse.js';
import type { Hugetlb, U64 } from './types.js';

export function hugetlbStats(files: CgroupFiles, dir: string | undefined, names: string[], suffix: { usage: string; max?: string; failcnt: (size: string) => U64 | undefined }): Record<string, Hugetlb> {
  const out: Record<string, Hugetlb> = {};
  if (!dir) return out;
  for (const name of names) {
    const m = /^hugetlb\.([^.]+)\.(?:limit_in_bytes|max)$/.exec(name);
    if (!m) continue;
    const size = m[1]!;
    out[size] = {
      ...nonZero({ usage: readU64(files, path.join(dir, `hugetlb.${size}.${suffix.usage}`)), max: suffix.max ? readU64(files, path.join(dir, `hugetlb.${size}.${suffix.max}`)) : undefined }),
      failcnt: suffix.failcnt(size) ?? 0n,
    };
  }
  return out;
}

