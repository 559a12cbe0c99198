// Column alignment as Go's text/tabwriter does it for runc's `list`
// (tabwriter.NewWriter(out, 12, 1, 3, ' ', 0)): every column but the last is padded to its
// widest cell plus 3 spaces, and is at least 12 wide; the last cell of a line is not padded.

export const MIN_WIDTH = 12;
export const PADDING = 3;

function width(cell: string): number {
  return [...cell].length; // tabwriter counts runes, not bytes
}

export function formatTable(rows: readonly (readonly string[])[]): string {
  const columns = Math.max(0, ...rows.map((r) => r.length - 1)); // padded columns
  const widths: number[] = [];
  for (let c = 0; c < columns; c++) {
    widths[c] = Math.max(MIN_WIDTH, ...rows.filter((r) => c < r.length - 1).map((r) => width(r[c]!) + PADDING));
  }
  return rows
    .map((r) => r.map((cell, c) => (c < r.length - 1 ? cell + ' '.repeat(widths[c]! - width(cell)) : cell)).join('') + '\n')
    .join('');
}
