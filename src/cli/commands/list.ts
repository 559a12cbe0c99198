// `berth list`: the containers under --root, as runc's table, JSON, or ids only.

import { UsageError } from '../../errors.js';
import { userName } from '../../state/owner.js';
import type { StateDocument } from '../../state/state-document.js';
import { StateStore } from '../../state/store.js';
import { boolFlag, stringFlag } from '../args.js';
import type { Command } from '../context.js';
import { formatTable } from '../table.js';

export function listTable(docs: readonly StateDocument[]): string {
  const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER']];
  for (const d of docs) rows.push([d.id, String(d.pid), d.status, d.bundle, d.created, d.owner]);
  return formatTable(rows);
}

/** runc prints JSON null, not [], when there are no containers. */
export function listJson(docs: readonly StateDocument[]): string {
  return JSON.stringify(docs.length ? docs : null) + '\n';
}

/** runc's list shows as OWNER the user owning the state directory; `state` leaves it "". */
function withOwners(docs: StateDocument[], store: StateStore): StateDocument[] {
  const names = new Map<number, string>();
  return docs.map((d) => {
    if (d.owner) return d;
    let owner = '';
    try {
      const uid = store.ownerUid(d.id);
      if (!names.has(uid)) names.set(uid, userName(uid));
      owner = names.get(uid)!;
    } catch {
      // deleted while listing
    }
    return { ...d, owner };
  });
}

export const command: Command = {
  name: 'list',
  usage: 'berth list [command options]',
  description: `Lists the containers under --root: a table (ID, PID, STATUS, BUNDLE, CREATED, OWNER), a
JSON array of state documents (null when there are none, as runc prints), or only the ids.`,
  flags: [
    { name: 'format', short: 'f', type: 'string', value: 'FORMAT', help: 'table (default) or json' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'print only the container ids' },
  ],
  args: { min: 0, max: 0 },
  async run(p, ctx) {
    const format = stringFlag(p, 'format') ?? 'table';
    if (format !== 'table' && format !== 'json') throw new UsageError(`invalid format option: ${JSON.stringify(format)} (use table or json)`);
    const { listContainers } = await import('../../container/state.js');
    const docs = withOwners(listContainers(ctx.root), new StateStore(ctx.root));
    if (boolFlag(p, 'quiet')) ctx.out(docs.map((d) => `${d.id}\n`).join(''));
    else ctx.out(format === 'json' ? listJson(docs) : listTable(docs));
    return 0;
  },
};
