// node:fs at first use, not at module load: in the executable node:fs costs ~4-6 ms of CPU to
// load, and `run`'s ordinary path does without it (sys/io.ts). Modules that need it on rarer
// paths (seccomp cache, id maps, pid file, terminal proxy, ...) call nodeFs() there.

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const nodeFs = (): typeof import('node:fs') => require('node:fs') as typeof import('node:fs');
