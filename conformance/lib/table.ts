// Plain-text result tables for the terminal.

import type { CheckResult } from './check.js';

export function totals(results: CheckResult[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    skipped: results.filter((r) => r.status === 'skip').length,
  };
}

export function closingLine(results: CheckResult[]): string {
  const t = totals(results);
  return `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;
}

/** One line per check: id, result, and the reason for a failure or a skip. */
export function formatRow(r: CheckResult, idWidth: number): string {
  const mark = r.status === 'pass' ? 'pass' : r.status === 'fail' ? 'FAIL' : 'skip';
  const reason = r.reason ? `  ${r.reason.split('\n')[0]}` : '';
  const leaks = r.leaks?.length ? `  [left behind: ${r.leaks.join('; ')}]` : '';
  return `${r.id.padEnd(idWidth)}  ${mark}${reason}${leaks}`;
}

export function formatTable(results: CheckResult[]): string {
  const width = Math.max(10, ...results.map((r) => r.id.length));
  return results.map((r) => formatRow(r, width)).join('\n');
}
