/** Timestamps are stored as ISO-8601 UTC strings on every database. */
export function nowIso(): string {
  return new Date().toISOString();
}

export function isoMinusSeconds(seconds: number, from = new Date()): string {
  return new Date(from.getTime() - seconds * 1000).toISOString();
}

/** The date after a `YYYY-MM-DD` date, for "up to and including that day" filters on timestamps. */
export function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}
