import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { cliActor, withDatabase } from "../../cli/context.js";
import { AppError } from "../../lib/errors.js";
import { computeSpc, type SpcPoint } from "../../stats/spc.js";
import { ensureMeasureCatalogue, importForceReturn, listCatalogue } from "./measures.service.js";

/**
 * One case in the form of the SPC oracle (`test/fixtures/spc/examples.json`): NHSRplotthedots'
 * option names, snake_case. Anything else in the case (name, expected, …) is ignored.
 */
const spcCaseSchema = z.object({
  options: z
    .object({
      improvement_direction: z.enum(["increase", "decrease", "neutral"]).default("increase"),
      screen_outliers: z.boolean().default(true),
      target: z.number().nullable().optional(),
      fix_after_n_points: z.number().int().nullable().optional(),
      rebase: z.array(z.string()).nullable().optional(),
      trend_length: z.union([z.literal(6), z.literal(7)]).optional(),
      shift_length: z.union([z.literal(6), z.literal(7)]).optional(),
    })
    .default({ improvement_direction: "increase", screen_outliers: true }),
  input: z.object({ x: z.array(z.string()), y: z.array(z.number()) }),
});

/** The points of an oracle-form case, as its `expected` field holds them. */
export function spcPointsForCase(text: string): SpcPoint[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError(`The input is not JSON: ${(error as Error).message}`, "validation", 422);
  }
  const parsed = spcCaseSchema.safeParse(json);
  if (!parsed.success)
    throw new AppError(`The input is not an SPC case: ${z.prettifyError(parsed.error)}`, "validation", 422);
  const { options, input } = parsed.data;
  try {
    return computeSpc(input, {
      improvementDirection: options.improvement_direction,
      screenOutliers: options.screen_outliers,
      ...(options.target == null ? {} : { target: options.target }),
      ...(options.fix_after_n_points == null ? {} : { fixAfterNPoints: options.fix_after_n_points }),
      ...(options.rebase == null ? {} : { rebase: options.rebase }),
      ...(options.trend_length ? { trendLength: options.trend_length } : {}),
      ...(options.shift_length ? { shiftLength: options.shift_length } : {}),
    }).points;
  } catch (error) {
    throw new AppError((error as Error).message, "validation", 422);
  }
}

const SPC_CSV_COLUMNS: (keyof SpcPoint)[] = [
  "x",
  "y",
  "mean",
  "lpl",
  "upl",
  "nlpl",
  "nupl",
  "point_type",
  "special_cause_type",
  "special_cause_flag",
  "outside_limits",
  "close_to_limits",
  "relative_to_mean",
  "rebase_group",
  "short_group_warning",
  "fix_y",
  "target",
];

/** CSV with R's conventions: NA for missing, TRUE/FALSE, full double precision. */
export function spcPointsCsv(points: SpcPoint[]): string {
  const cell = (value: SpcPoint[keyof SpcPoint]) =>
    value === null
      ? "NA"
      : typeof value === "boolean"
        ? value
          ? "TRUE"
          : "FALSE"
        : typeof value === "string" && /[",\n]/.test(value)
          ? `"${value.replace(/"/g, '""')}"`
          : String(value);
  return (
    [
      SPC_CSV_COLUMNS.join(","),
      ...points.map((point) => SPC_CSV_COLUMNS.map((column) => cell(point[column])).join(",")),
    ].join("\n") + "\n"
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export function registerMeasureCommands(program: Command): void {
  program
    .command("spc")
    .description("compute an XmR SPC chart for one case in the SPC oracle's JSON form and print its points")
    .argument("[file]", "the case as JSON ({options, input: {x, y}}); standard input when absent or -")
    .option("--csv", "print CSV instead of JSON")
    .action(async (file: string | undefined, options: { csv?: boolean }) => {
      const text = file === undefined || file === "-" ? await readStdin() : await readFile(file, "utf8");
      const points = spcPointsForCase(text);
      process.stdout.write(options.csv ? spcPointsCsv(points) : `${JSON.stringify(points, null, 2)}\n`);
    });

  const measures = program.command("measures").description("the measures catalogue and force returns");
  measures
    .command("list")
    .description("list the measures as CSV")
    .action(() =>
      withDatabase(async (db) => {
        await ensureMeasureCatalogue(db.kysely);
        process.stdout.write("id,name,unit,frequency,source,published\n");
        for (const m of await listCatalogue(db.kysely, { publishedOnly: false })) {
          process.stdout.write(
            `${m.id},${JSON.stringify(m.name)},${JSON.stringify(m.unit)},${m.frequency},${m.source},${m.published ? "yes" : "no"}\n`,
          );
        }
      }),
    );
  measures
    .command("import")
    .description("import force-return CSV files (each whole, or nothing of it)")
    .argument(
      "<files...>",
      "CSV files with the columns measure_id,period,area,value,numerator,denominator,note",
    )
    .action((files: string[]) =>
      withDatabase(async (db) => {
        await ensureMeasureCatalogue(db.kysely);
        for (const file of files) {
          const summary = await importForceReturn(db.kysely, cliActor, {
            name: basename(file),
            text: await readFile(file, "utf8"),
          });
          process.stdout.write(
            `${summary.fileName}: imported ${summary.rows} value(s) for ${summary.measures.length} measure(s), ${summary.added} new, ${summary.replaced} replaced\n`,
          );
        }
      }),
    );
}
