// Turns the samples into the tables (markdown, printed and written to docs/performance.md):
// median and p90 per runtime, berth's ratio to runc and crun, the issue's target and whether
// it is met, and for the scaling curves the cost per added item.
'use strict';
const { median, p90 } = require('./stats.js');

const ALL = ['berth', 'runc', 'crun'];
const RUNTIMES = ALL;

function fmt(x, unit) {
  if (x === undefined || Number.isNaN(x)) return '—';
  return unit === 'MiB' ? x.toFixed(1) : x < 10 ? x.toFixed(2) : x.toFixed(1);
}

function summary(samples) {
  return samples && samples.length ? { median: median(samples), p90: p90(samples), n: samples.length } : undefined;
}

function cell(s, unit, err) {
  if (err) return 'failed';
  return s ? `${fmt(s.median, unit)} (${fmt(s.p90, unit)})` : '—';
}

const ratio = (a, b) => (a && b ? `${(a.median / b.median).toFixed(2)}×` : '—');

/** Summaries per runtime; none for a runtime whose row failed (its few samples would mislead). */
function summaries(runtimes, key, results, errors) {
  return Object.fromEntries(runtimes.map((r) => [r, errors[key]?.[r] ? undefined : summary(results[key]?.[r])]));
}

function targetText(t, floor) {
  if (!t) return ['', undefined];
  // A check answers true or false, or undefined when a number it needs is missing.
  if (t.vs) return [`≤ ${t.max}× ${t.vs}`, (b, o) => (b && o[t.vs] ? b.median <= t.max * o[t.vs].median : undefined)];
  if (t.abs) return [`≤ ${t.abs} MiB`, (b) => (b ? b.median <= t.abs : undefined)];
  if (t.floorPlus) {
    const limit = floor && floor.median + t.floorPlus;
    return [`≤ floor + ${t.floorPlus} ms${limit ? ` (${fmt(limit)})` : ''}`, (b) => (b && limit ? b.median <= limit : undefined)];
  }
  return ['', undefined];
}

function metText(check, s) {
  if (!check) return '';
  const ok = check(s.berth, s);
  return ok === undefined ? '—' : ok ? 'yes' : 'no';
}

/** The main table: one line per row that is not part of a curve (without crun's columns if no row has crun). */
function mainTable(rows, results, errors) {
  const floor = summary(results.floor?.berth);
  const withCrun = rows.some((row) => results[row.key]?.crun || errors[row.key]?.crun);
  const RUNTIMES = withCrun ? ALL : ALL.filter((r) => r !== 'crun');
  const out = [
    `| measured | ${RUNTIMES.join(' | ')} | berth/runc |${withCrun ? ' berth/crun |' : ''} target | met |`,
    `|---|${RUNTIMES.map(() => '---|').join('')}---|${withCrun ? '---|' : ''}---|---|`,
  ];
  for (const row of rows) {
    const s = summaries(ALL, row.key, results, errors);
    const [text, check] = targetText(row.target, floor);
    const met = metText(check, s);
    const unit = row.unit ?? 'ms';
    const cells = RUNTIMES.map((r) => cell(s[r], unit, errors[row.key]?.[r]));
    const crunRatio = withCrun ? ` ${ratio(s.berth, s.crun)} |` : '';
    out.push(`| ${row.label}${unit === 'MiB' ? ' (MiB)' : ''} | ${cells.join(' | ')} | ${ratio(s.berth, s.runc)} |${crunRatio} ${text} | ${met} |`);
  }
  return out;
}

/** A curve: one line per N, then the cost per added item between consecutive points. */
function curveTable(name, rows, results, errors) {
  const points = rows.filter((r) => r.curve?.name === name).sort((a, b) => a.curve.n - b.curve.n);
  if (!points.length) return [];
  const label = name === 'list' ? 'containers under --root' : 'extra bind mounts (Docker seccomp profile in all)';
  const out = [`| ${label} | berth | runc | crun | berth/runc | berth/crun | target | met |`, '|---|---|---|---|---|---|---|---|'];
  const med = {};
  for (const row of points) {
    const s = summaries(RUNTIMES, row.key, results, errors);
    med[row.curve.n] = s;
    const [text, check] = targetText(row.target);
    const met = metText(check, s);
    out.push(`| ${row.curve.n} | ${RUNTIMES.map((r) => cell(s[r], 'ms', errors[row.key]?.[r])).join(' | ')} | ${ratio(s.berth, s.runc)} | ${ratio(s.berth, s.crun)} | ${text} | ${met} |`);
  }
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1].curve.n;
    const b = points[i].curve.n;
    const per = RUNTIMES.map((r) => {
      const x = med[a][r];
      const y = med[b][r];
      return x && y ? `${(((y.median - x.median) / (b - a)) * 1000).toFixed(0)} µs` : '—';
    });
    out.push(`| per item, ${a}→${b} | ${per.join(' | ')} | | | | |`);
  }
  return out;
}

module.exports = { mainTable, curveTable };
