import { z } from "zod";
import { NotFoundError } from "../../lib/errors.js";
import { formatPeriod, parsePeriod, type Period } from "../../stats/periods.js";

export const reportStatuses = ["draft", "published"] as const;
export type ReportStatus = (typeof reportStatuses)[number];

/** The sections of the quarterly report, in the order of the Assurance & Accountability – Performance meeting. */
export const reportSections = [
  { id: "plan", title: "Police and Crime Plan priorities" },
  { id: "outcomes", title: "Outcomes and the most similar group" },
  { id: "complaints", title: "Complaints and conduct" },
  { id: "acquisitive", title: "Acquisitive crime by local policing area" },
  { id: "national-priorities", title: "National priorities" },
  { id: "victim-satisfaction", title: "Victim satisfaction" },
  { id: "hmicfrs", title: "HMICFRS inspections: progress" },
  { id: "actions", title: "Action tracker" },
] as const;
export type ReportSectionId = (typeof reportSections)[number]["id"];
export const reportSectionIds = reportSections.map((section) => section.id) as [
  ReportSectionId,
  ...ReportSectionId[],
];

export type Quarter = Period & { kind: "financialQuarter" };

/** A quarter as a URL writes it: "Q2 2025/26" is `2025-26-q2`. */
export function quarterSlug(quarter: Quarter): string {
  const [q, year] = formatPeriod(quarter).split(" ") as [string, string];
  return `${year.replace("/", "-")}-${q.toLowerCase()}`;
}

/** The quarter of a URL such as `2025-26-q2`; anything else is not a page. */
export function quarterFromSlug(slug: string): Quarter {
  const match = /^(\d{4})-(\d{2})-q([1-4])$/.exec(slug);
  if (!match) throw new NotFoundError(`No quarterly report "${slug}": write the quarter like 2025-26-q2`);
  try {
    const period = parsePeriod(`Q${match[3]} ${match[1]}/${match[2]}`);
    if (period.kind === "financialQuarter") return period;
  } catch {
    // Falls through: an impossible year such as 2025-27.
  }
  throw new NotFoundError(`No quarterly report "${slug}": ${match[1]}/${match[2]} is not a financial year`);
}

const narrativeField = z
  .string()
  .trim()
  .max(8000, { error: "Keep each narrative to 8,000 characters or fewer" })
  // Browsers send CRLF line breaks; paragraphs are split on blank lines.
  .transform((text) => text.replace(/\r\n?/g, "\n"))
  .default("");

/** The narrative boxes of the edit form, one text area per section. */
export const narrativeFormSchema = z.object(
  Object.fromEntries(reportSectionIds.map((id) => [id, narrativeField])) as Record<
    ReportSectionId,
    typeof narrativeField
  >,
);
export type NarrativeForm = z.infer<typeof narrativeFormSchema>;

/** A quarter to start a report for, from the list page. */
export const newReportFormSchema = z.object({
  quarter: z
    .string()
    .trim()
    .min(1, { error: "Enter the quarter, like Q2 2025/26" })
    .transform((text, context) => {
      try {
        const period = parsePeriod(text);
        if (period.kind === "financialQuarter") return period;
      } catch {
        // Reported below.
      }
      context.addIssue({ code: "custom", message: "Enter a financial quarter, like Q2 2025/26" });
      return z.NEVER;
    }),
});

/** A narrative's paragraphs: separated by blank lines. */
export function paragraphsOf(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
}
