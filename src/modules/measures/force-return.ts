/**
 * Force returns: CSV files of values for force-return measures (columns in FORCE_RETURN_COLUMNS,
 * documented in docs/force-returns.md). Checking is pure; every problem in a file is reported with
 * its line and column, and a file with any problem is refused whole.
 */
import { CsvError, parse } from "csv-parse/sync";
import { formatPeriod, parsePeriod, periodDates } from "../../stats/periods.js";
import type { AreaDirectory } from "./areas.js";
import {
  FORCE_RETURN_COLUMNS,
  periodExampleOf,
  periodKindOf,
  type AreaType,
  type Frequency,
  type MeasureUnit,
} from "./measures.schema.js";

export type ForceReturnColumn = (typeof FORCE_RETURN_COLUMNS)[number];
export type ForceReturnFields = Record<ForceReturnColumn, string>;

/** What checking a value needs to know of its measure. */
export interface MeasureForChecking {
  id: string;
  unit: MeasureUnit;
  frequency: Frequency;
  source: string;
}

export interface CheckedValue {
  measureId: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  areaType: AreaType;
  areaCode: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
}

export interface ValueProblem {
  field: ForceReturnColumn | "file";
  message: string;
}

export interface ForceReturnProblem extends ValueProblem {
  /** Physical line in the file; the header is line 1. */
  line: number;
}

export interface CheckingContext {
  measures: ReadonlyMap<string, MeasureForChecking>;
  areas: AreaDirectory;
}

/** Checks one value (a row of a return, or the single-value form); problems are per field. */
export function checkValue(
  fields: ForceReturnFields,
  context: CheckingContext,
): { ok: true; value: CheckedValue } | { ok: false; problems: ValueProblem[] } {
  const problems: ValueProblem[] = [];
  const problem = (field: ValueProblem["field"], message: string) => problems.push({ field, message });

  const measure = context.measures.get(fields.measure_id.trim());
  if (!fields.measure_id.trim()) problem("measure_id", "is empty");
  else if (!measure) problem("measure_id", `"${fields.measure_id}" is not a measure in the catalogue`);
  else if (measure.source === "data.police.uk")
    problem(
      "measure_id",
      `"${measure.id}" is calculated from data.police.uk and cannot be given in a return`,
    );

  const area = context.areas.find(fields.area);
  if (!area)
    problem(
      "area",
      fields.area.trim()
        ? `"${fields.area}" is not a known area (a force id such as west-mercia, an ONS local authority code such as E06000019, or an LPA such as west-mercia/herefordshire)`
        : "is empty",
    );

  let period: ReturnType<typeof parsePeriod> | null = null;
  try {
    period = parsePeriod(fields.period);
  } catch (error) {
    problem("period", (error as Error).message);
  }
  if (period && measure && period.kind !== periodKindOf[measure.frequency]) {
    problem(
      "period",
      `"${fields.period}" does not match the measure's frequency: ${measure.id} is ${measure.frequency}, so give ${periodExampleOf[measure.frequency]}`,
    );
  }

  const value = readNumber(fields.value, "value", problem, true);
  const numerator = readNumber(fields.numerator, "numerator", problem, false);
  const denominator = readNumber(fields.denominator, "denominator", problem, false);
  const numeratorGiven = fields.numerator.trim() !== "";
  if (numeratorGiven !== (fields.denominator.trim() !== "")) {
    problem(
      numeratorGiven ? "denominator" : "numerator",
      "give both the numerator and the denominator, or neither",
    );
  }
  if (numerator !== null && denominator !== null) {
    if (numerator < 0) problem("numerator", `${numerator} is negative`);
    if (denominator <= 0) problem("denominator", `${denominator} must be above 0`);
    if (numerator > denominator) problem("numerator", `${numerator} is above the denominator ${denominator}`);
  }
  if (value !== null && measure) {
    checkValueForUnit(value, fields.value, measure.unit, problem);
    if (numerator !== null && denominator !== null && denominator > 0 && !problems.length) {
      const scale = measure.unit === "%" ? 100 : measure.unit === "rate per 1,000" ? 1000 : null;
      if (scale !== null && !matchesWhenRounded(value, fields.value, (numerator / denominator) * scale)) {
        problem(
          "value",
          `${fields.value} does not match the numerator and denominator (${numerator} / ${denominator} gives ${roundTo((numerator / denominator) * scale, 3)})`,
        );
      }
    }
  }

  if (problems.length > 0 || !measure || !area || !period || value === null) return { ok: false, problems };
  const dates = periodDates(period);
  return {
    ok: true,
    value: {
      measureId: measure.id,
      period: formatPeriod(period),
      periodStart: dates.start,
      periodEnd: dates.end,
      areaType: area.type,
      areaCode: area.code,
      value,
      numerator,
      denominator,
      note: fields.note.trim() || null,
    },
  };
}

function readNumber(
  text: string,
  field: "value" | "numerator" | "denominator",
  problem: (field: ValueProblem["field"], message: string) => void,
  required: boolean,
): number | null {
  const trimmed = text.trim();
  if (trimmed === "") {
    if (required) problem(field, "is empty");
    return null;
  }
  const number = Number(trimmed);
  if (!Number.isFinite(number) || !/^-?\d+(\.\d+)?$/.test(trimmed)) {
    problem(field, `"${trimmed}" is not a number (write digits and a decimal point only, like 87.5)`);
    return null;
  }
  return number;
}

function checkValueForUnit(
  value: number,
  text: string,
  unit: MeasureUnit,
  problem: (field: ValueProblem["field"], message: string) => void,
): void {
  if (unit === "%" && (value < 0 || value > 100))
    problem("value", `${text} is a percentage outside 0 to 100`);
  else if (unit === "count" && !Number.isInteger(value))
    problem("value", `${text} is a count, so a whole number`);
  else if (value < 0) problem("value", `${text} is negative`);
}

/** The value as written may be rounded: it matches if the exact figure rounds to it at the same precision. */
function matchesWhenRounded(value: number, text: string, exact: number): boolean {
  const decimals = text.trim().split(".")[1]?.length ?? 0;
  return Math.abs(value - exact) <= 0.5 * 10 ** -decimals + 1e-9;
}

function roundTo(value: number, decimals: number): number {
  return Math.round(value * 10 ** decimals) / 10 ** decimals;
}

/** Reads and checks a whole return. */
export function checkForceReturn(
  text: string,
  context: CheckingContext,
): { ok: true; values: CheckedValue[] } | { ok: false; problems: ForceReturnProblem[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = error instanceof CsvError ? Number(error.lines ?? 1) : 1;
    return {
      ok: false,
      problems: [{ line, field: "file", message: `cannot be read as CSV: ${(error as Error).message}` }],
    };
  }
  const [header, ...rows] = records;
  const headerProblem = header ? checkHeader(header.record) : "is empty";
  if (headerProblem) return { ok: false, problems: [{ line: 1, field: "file", message: headerProblem }] };
  if (rows.length === 0)
    return { ok: false, problems: [{ line: 2, field: "file", message: "has no values" }] };

  const problems: ForceReturnProblem[] = [];
  const values: CheckedValue[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines;
    if (record.length !== FORCE_RETURN_COLUMNS.length) {
      problems.push({
        line,
        field: "file",
        message: `has ${record.length} columns; every line needs ${FORCE_RETURN_COLUMNS.length} (${FORCE_RETURN_COLUMNS.join(", ")})`,
      });
      continue;
    }
    const fields = Object.fromEntries(
      FORCE_RETURN_COLUMNS.map((column, i) => [column, record[i] ?? ""]),
    ) as ForceReturnFields;
    const checked = checkValue(fields, context);
    if (!checked.ok) {
      problems.push(...checked.problems.map((p) => ({ ...p, line })));
      continue;
    }
    const key = `${checked.value.measureId}|${checked.value.areaCode}|${checked.value.periodStart}`;
    const earlier = firstLineOf.get(key);
    if (earlier !== undefined) {
      problems.push({
        line,
        field: "period",
        message: `repeats the value on line ${earlier} (same measure, area and period)`,
      });
      continue;
    }
    firstLineOf.set(key, line);
    values.push(checked.value);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

function checkHeader(header: string[]): string | null {
  const names = header.map((name) => name.trim().toLowerCase());
  const expected = FORCE_RETURN_COLUMNS.join(",");
  if (names.join(",") === expected) return null;
  const missing = FORCE_RETURN_COLUMNS.filter((column) => !names.includes(column));
  const unknown = names.filter((name) => !(FORCE_RETURN_COLUMNS as readonly string[]).includes(name));
  const detail = [
    missing.length ? `missing ${missing.join(", ")}` : "",
    unknown.length ? `unknown ${unknown.map((n) => `"${n}"`).join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
  return `header must be exactly "${expected}"${detail ? ` (${detail})` : " in that order"}`;
}

/** "returns.csv line 4, value: 104 is a percentage outside 0 to 100" ("Line 4, …" without a file name). */
export function describeProblem(problem: ForceReturnProblem, fileName?: string): string {
  const where = fileName ? `${fileName} line ${problem.line}` : `Line ${problem.line}`;
  return `${where}${problem.field === "file" ? "" : `, ${problem.field}`}: ${problem.message}`;
}
