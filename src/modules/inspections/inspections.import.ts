import { parse } from "csv-parse/sync";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/schema.js";
import type { Actor } from "../audit/actor.js";
import {
  findingKinds,
  findingSchema,
  gradeSchema,
  grades,
  inspectionKinds,
  inspectionSchema,
  type FindingInput,
  type GradeInput,
  type InspectionInput,
} from "./inspections.schema.js";
import { insertFindingAudited, insertInspectionAudited, setGradeAudited } from "./inspections.service.js";

/** The template's columns, in order (docs/inspections-import.md explains each). */
export const templateColumns = [
  "record",
  "inspection",
  "kind",
  "title",
  "published_on",
  "report_url",
  "scope",
  "question_area",
  "grade",
  "reference",
  "parent_reference",
  "text",
  "owner",
  "target_date",
] as const;
type Column = (typeof templateColumns)[number];

export interface ImportError {
  line: number;
  field: string;
  message: string;
}

interface RowBase {
  line: number;
  /** The file's own key for an inspection, tying its grade and finding rows to it. */
  inspection: string;
}
export type ImportRow =
  | (RowBase & { record: "inspection"; data: InspectionInput })
  | (RowBase & { record: "grade"; data: GradeInput })
  | (RowBase & { record: "finding"; data: Omit<FindingInput, "parent_id">; parentReference: string | null });

/** Words a person is likely to type for a value ("Requires improvement", "AFI"), mapped to the stored value. */
function normalised<T extends string>(values: readonly T[], aliases: Record<string, T> = {}) {
  return z.preprocess(
    (value) => {
      if (typeof value !== "string") return value;
      const key = value
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, "_");
      return aliases[key] ?? key;
    },
    z.enum(values, { error: `Use one of: ${values.join(", ")}` }),
  );
}

const inspectionRow = inspectionSchema.extend({
  kind: normalised(inspectionKinds, {
    thematic: "national_thematic",
    vsa: "victim_service_assessment",
    victim_service_assessment_revisit: "victim_service_revisit",
    vsa_revisit: "victim_service_revisit",
    soc: "serious_organised_crime",
    serious_and_organised_crime: "serious_organised_crime",
  }),
});
const gradeRow = gradeSchema.extend({ grade: normalised(grades) });
const findingRow = findingSchema.omit({ parent_id: true }).extend({
  kind: normalised(findingKinds, {
    coc: "cause_of_concern",
    afi: "area_for_improvement",
    other_finding: "other",
  }),
  parent_reference: z
    .string()
    .trim()
    .transform((value) => value || null),
});

function issuesOf(error: z.ZodError, line: number): ImportError[] {
  return error.issues.map((issue) => ({
    line,
    field: issue.path.map(String).join(".") || "row",
    message: issue.message,
  }));
}

/**
 * Reads the inspections template: every row checked against its record's rules and against the rest of the file
 * (known inspection keys, unique references, causes of concern for recommendations), problems named by line and
 * column. Any error means the file must not be imported.
 */
export function parseInspectionsCsv(text: string): { rows: ImportRow[]; errors: ImportError[] } {
  const errors: ImportError[] = [];
  // With `info`, csv-parse gives each record with where it was read (its last line) and any column-count error.
  let records: { record: Record<string, string>; info: { lines: number; error?: unknown } }[];
  try {
    records = parse<(typeof records)[number]>(text, {
      bom: true,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { rows: [], errors: [{ line, field: "file", message: (error as Error).message }] };
  }
  const header = records[0] ? Object.keys(records[0].record) : (text.split(/\r?\n/)[0] ?? "").split(",");
  const missing = templateColumns.filter((column) => !header.includes(column));
  const unknown = header.filter(
    (column) => column && !(templateColumns as readonly string[]).includes(column),
  );
  if (missing.length || unknown.length) {
    const parts = [
      missing.length ? `missing column(s): ${missing.join(", ")}` : "",
      unknown.length ? `unknown column(s): ${unknown.join(", ")}` : "",
    ].filter(Boolean);
    return {
      rows: [],
      errors: [
        { line: 1, field: "header", message: `The header does not match the template: ${parts.join("; ")}` },
      ],
    };
  }
  if (records.length === 0)
    return { rows: [], errors: [{ line: 1, field: "file", message: "The file has no rows" }] };

  const rows: ImportRow[] = [];
  // An inspection row with its own errors is reported once, not again on every row that refers to it.
  const invalidInspections = new Set<string>();
  for (const { record, info } of records) {
    // csv-parse counts to a record's last line; a quoted field spanning lines starts it earlier.
    const line = info.lines - (Object.values(record).join("").split(/\r?\n/).length - 1);
    const cell = (column: Column) => record[column] ?? "";
    if (info.error) {
      errors.push({
        line,
        field: "row",
        message: `Expected ${templateColumns.length} columns, found ${Object.values(record).length}`,
      });
      continue;
    }
    const inspection = cell("inspection").trim();
    if (!inspection) {
      errors.push({
        line,
        field: "inspection",
        message: "Enter the inspection's key (the same on its grade and finding rows)",
      });
      continue;
    }
    const recordType = cell("record").trim().toLowerCase();
    if (recordType === "inspection") {
      const parsed = inspectionRow.safeParse(record);
      if (parsed.success) rows.push({ line, inspection, record: "inspection", data: parsed.data });
      else {
        invalidInspections.add(inspection);
        errors.push(...issuesOf(parsed.error, line));
      }
    } else if (recordType === "grade") {
      const parsed = gradeRow.safeParse(record);
      if (parsed.success) rows.push({ line, inspection, record: "grade", data: parsed.data });
      else errors.push(...issuesOf(parsed.error, line));
    } else if (recordType === "finding") {
      const parsed = findingRow.safeParse(record);
      if (parsed.success) {
        const { parent_reference: parentReference, ...data } = parsed.data;
        rows.push({ line, inspection, record: "finding", data, parentReference });
      } else errors.push(...issuesOf(parsed.error, line));
    } else {
      errors.push({ line, field: "record", message: "Use one of: inspection, grade, finding" });
    }
  }
  errors.push(...crossRowErrors(rows.filter((row) => !invalidInspections.has(row.inspection))));
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors };
}

function crossRowErrors(rows: ImportRow[]): ImportError[] {
  const errors: ImportError[] = [];
  const inspections = new Map<string, InspectionInput>();
  for (const row of rows) {
    if (row.record !== "inspection") continue;
    if (inspections.has(row.inspection)) {
      errors.push({
        line: row.line,
        field: "inspection",
        message: `The inspection ${row.inspection} appears twice`,
      });
    } else {
      inspections.set(row.inspection, row.data);
    }
  }
  const areas = new Set<string>();
  const findings = new Map<string, Extract<ImportRow, { record: "finding" }>>();
  for (const row of rows) {
    if (row.record === "inspection") continue;
    const inspection = inspections.get(row.inspection);
    if (!inspection) {
      errors.push({
        line: row.line,
        field: "inspection",
        message: `No inspection row with the key ${row.inspection}`,
      });
      continue;
    }
    if (row.record === "grade") {
      const key = `${row.inspection}\u0000${row.data.question_area.toLowerCase()}`;
      if (inspection.kind !== "peel") {
        errors.push({ line: row.line, field: "grade", message: "Grades belong to PEEL inspections only" });
      } else if (areas.has(key)) {
        errors.push({
          line: row.line,
          field: "question_area",
          message: `${row.data.question_area} is graded twice`,
        });
      }
      areas.add(key);
    } else {
      const key = `${row.inspection}\u0000${row.data.reference}`;
      if (findings.has(key)) {
        errors.push({
          line: row.line,
          field: "reference",
          message: `The reference ${row.data.reference} appears twice in ${row.inspection}`,
        });
      }
      findings.set(key, row);
    }
  }
  for (const row of findings.values()) {
    if (row.parentReference === null) continue;
    const parent = findings.get(`${row.inspection}\u0000${row.parentReference}`);
    if (row.data.kind !== "recommendation") {
      errors.push({
        line: row.line,
        field: "parent_reference",
        message: "Only a recommendation can belong to a cause of concern",
      });
    } else if (parent?.data.kind !== "cause_of_concern") {
      errors.push({
        line: row.line,
        field: "parent_reference",
        message: `No cause of concern ${row.parentReference} in ${row.inspection}`,
      });
    }
  }
  return errors;
}

export interface ImportSummary {
  inspections: number;
  grades: number;
  findings: number;
}

/** Saves checked rows in one transaction, with an audit row for each record: all of the file or none of it. */
export function importInspections(
  db: Kysely<Database>,
  actor: Actor,
  rows: ImportRow[],
  options: { sample?: boolean } = {},
): Promise<ImportSummary> {
  return db.transaction().execute(async (trx) => {
    const inspectionIds = new Map<string, number>();
    const summary: ImportSummary = { inspections: 0, grades: 0, findings: 0 };
    for (const row of rows) {
      if (row.record !== "inspection") continue;
      const inspection = await insertInspectionAudited(trx, actor, row.data, options.sample ?? false);
      inspectionIds.set(row.inspection, inspection.id);
      summary.inspections++;
    }
    const findingIds = new Map<string, number>();
    // Causes of concern first, so the recommendations under them can point at them.
    const ordered = [...rows].sort((a, b) => rank(a) - rank(b));
    for (const row of ordered) {
      const inspectionId = inspectionIds.get(row.inspection);
      if (inspectionId === undefined || row.record === "inspection") continue;
      if (row.record === "grade") {
        await setGradeAudited(trx, actor, inspectionId, row.data);
        summary.grades++;
        continue;
      }
      const parentId = row.parentReference
        ? (findingIds.get(`${row.inspection}\u0000${row.parentReference}`) ?? null)
        : null;
      const finding = await insertFindingAudited(trx, actor, inspectionId, {
        ...row.data,
        parent_id: parentId,
      });
      findingIds.set(`${row.inspection}\u0000${finding.reference}`, finding.id);
      summary.findings++;
    }
    return summary;
  });
}

function rank(row: ImportRow): number {
  if (row.record === "finding") return row.data.kind === "cause_of_concern" ? 1 : 2;
  return 0;
}

export function formatImportErrors(errors: ImportError[]): string[] {
  return errors.map((error) => `Line ${error.line}, ${error.field}: ${error.message}`);
}
