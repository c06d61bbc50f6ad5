/**
 * Meeting dates, times and paper deadlines are UK local wall-clock values ("2024-06-03T09:00"), as the OPCC
 * writes them; upload times are UTC instants. These helpers compare the two.
 */

const londonParts = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** The London wall-clock time of an instant, as "YYYY-MM-DDTHH:MM". */
export function londonLocal(instant: Date): string {
  const parts = Object.fromEntries(londonParts.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export type PaperTimeliness = "on-time" | "late" | "missing" | "awaited";

export const timelinessLabels: Record<PaperTimeliness, string> = {
  "on-time": "On time",
  late: "Late",
  missing: "Missing",
  awaited: "Awaited",
};

/**
 * Whether a requested paper came in by its deadline: judged by the first upload (a later replacement does not
 * make an on-time paper late); without an upload it is awaited until the deadline passes, then missing.
 */
export function paperTimeliness(
  deadline: string,
  firstUploadedAt: string | null,
  now: Date,
): PaperTimeliness {
  if (firstUploadedAt) return londonLocal(new Date(firstUploadedAt)) <= deadline ? "on-time" : "late";
  return londonLocal(now) <= deadline ? "awaited" : "missing";
}
