// Writes that can be taken back: `update` changes a live container's limits, and when one
// write fails the earlier ones must not stay. Before the first write to a file its current
// text is read; undo() writes those texts back, newest first, so the kernel sees the same
// valid intermediate states in reverse (memory before memsw when they were raised, ...).

import type { CgroupFiles } from './files.js';

export interface UndoableFiles extends CgroupFiles {
  /** Puts every written file back; returns the failures (best effort, never throws). */
  undo(): string[];
}

export function undoableFiles(base: CgroupFiles): UndoableFiles {
  const before: { file: string; text: string | undefined }[] = [];
  const seen = new Set<string>();
  return {
    read: (file) => base.read(file),
    exists: (file) => base.exists(file),
    write(file, value) {
      const text = seen.has(file) ? undefined : base.read(file);
      base.write(file, value);
      // Only a write that went through has something to take back.
      if (!seen.has(file)) {
        seen.add(file);
        before.push({ file, text });
      }
    },
    undo() {
      const failed: string[] = [];
      for (const { file, text } of before.reverse()) {
        if (text === undefined) continue;
        // An empty value (a v2 cpuset.cpus that inherits its parent's) is put back as "\n": a
        // write of no bytes never reaches the kernel's handler, and the new value would stay.
        const value = text.trim();
        try {
          base.write(file, value === '' ? '\n' : value);
        } catch (err) {
          failed.push(`${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
        }
      }
      before.length = 0;
      seen.clear();
      return failed;
    },
  };
}
