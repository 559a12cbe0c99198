// The kernel's list syntax for CPUs and memory nodes: "0-3,7" (cpuset, set_mempolicy,
// sched_setaffinity). Stride forms ("0-7:2") are not accepted: the spec's examples never use them.

/** The reason `text` is not a list, or undefined when it is one. An empty list is allowed. */
export function numberListProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  for (const raw of text.split(',')) {
    const item = raw.trim();
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (!m) return `"${item}" is not a number or a range like 0-3`;
    if (m[2] !== undefined && Number(m[2]) < Number(m[1])) return `the range "${item}" runs backwards`;
  }
  return undefined;
}
