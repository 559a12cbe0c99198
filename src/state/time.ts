// Timestamps in the forms runc writes: `created` in RFC 3339 with nanoseconds (Go's
// RFC3339Nano, which drops trailing zeros of the fraction) and log times in RFC 3339 seconds.
// Both in UTC, so the text never depends on the host's time zone.

/** Wall-clock now in nanoseconds since the epoch (microsecond resolution in practice). */
export function nowNanoseconds(): bigint {
  const ms = performance.timeOrigin + performance.now();
  const wholeMs = Math.floor(ms);
  return BigInt(wholeMs) * 1_000_000n + BigInt(Math.round((ms - wholeMs) * 1e6));
}

function dateTimeUtc(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19);
}

/** e.g. "2026-11-22T13:43:27.633561718Z"; "2026-11-22T13:43:27Z" when the fraction is zero. */
export function rfc3339Nano(epochNs: bigint = nowNanoseconds()): string {
  const seconds = epochNs / 1_000_000_000n;
  const fraction = (epochNs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${dateTimeUtc(Number(seconds))}${fraction ? '.' + fraction : ''}Z`;
}

/** e.g. "2026-11-22T13:42:48Z", the time field of runc's log lines. */
export function rfc3339Seconds(date: Date = new Date()): string {
  return `${dateTimeUtc(Math.floor(date.getTime() / 1000))}Z`;
}
