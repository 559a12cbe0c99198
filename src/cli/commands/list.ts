import { UsageError } from '../../errors.js';
import type { StateDocument } from '../../state/state-document.js';
import { parseFlags } from '../args.js';
import { out, type Command } from '../context.js';

const USAGE = `usage: berth list [options]

options:
  --format, -f table|json   output format (default table)
  --quiet, -q               print only the ids
`;

/** runc's tabwriter layout: columns padded to the widest cell + 3, at least 12 wide. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(12, ...rows.map((r) => r[c]!.length + 3)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('').trimEnd() + '\n').join('');
}

export function listTable(docs: StateDocument[]): string {
  const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER']];
  for (const d of docs) rows.push([d.id, String(d.pid), d.status, d.bundle, d.created, d.owner || 'root']);
  return formatTable(rows);
}

export const command: Command = {
  usage: USAGE,
  async run(args, ctx) {
    const p = parseFlags(args, { string: ['format'], boolean: ['quiet'], alias: { f: 'format', q: 'quiet' } }, 'list');
    const format = (p.flags.format as string | undefined) ?? 'table';
    if (format !== 'table' && format !== 'json') throw new UsageError(`invalid format option: ${format}`);
    const { listContainers } = await import('../../container/state.js');
    const docs = listContainers(ctx.root);
    if (p.flags.quiet) out(docs.map((d) => d.id + '\n').join(''));
    else if (format === 'json') out(JSON.stringify(docs.length ? docs : null) + '\n');
    else out(listTable(docs));
    return 0;
  },
};
