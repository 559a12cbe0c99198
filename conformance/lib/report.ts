// Reads the "key=value" lines printed by conformance/helpers/probe.c. A key may repeat
// (env=, argv=, fd=); get() returns the first value, all() every value in order.

export class ProbeReport {
  private readonly values = new Map<string, string[]>();
  readonly lines: string[];

  constructor(readonly text: string) {
    this.lines = text.split('\n').filter((l) => l.length > 0);
    for (const line of this.lines) {
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const list = this.values.get(key) ?? [];
      list.push(line.slice(eq + 1));
      this.values.set(key, list);
    }
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  get(key: string): string | undefined {
    return this.values.get(key)?.[0];
  }

  all(key: string): string[] {
    return this.values.get(key) ?? [];
  }

  /** The line printed by `probe stat|write|read PATH`, split into its key=value words. */
  pathResult(verb: string, p: string): Record<string, string> | undefined {
    const prefix = `${verb} ${p} `;
    const line = this.lines.find((l) => l.startsWith(prefix));
    if (!line) return undefined;
    const out: Record<string, string> = {};
    for (const word of line.slice(prefix.length).split(' ')) {
      const eq = word.indexOf('=');
      if (eq < 0) out[word] = '';
      else out[word.slice(0, eq)] = word.slice(eq + 1);
    }
    return out;
  }
}
