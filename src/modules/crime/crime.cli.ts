import { Option, type Command } from "commander";
import cliProgress from "cli-progress";
import { z } from "zod";
import { cliActor, withDatabase } from "../../cli/context.js";
import { AppError } from "../../lib/errors.js";
import { COUNT_DIMENSIONS, countStreetCrimes, countsQuerySchema, toCsv } from "./counts.service.js";
import { describeParseError, ingestPath, measurePath, type IngestResult } from "./ingest.service.js";
import { POLICE_API_URL, PoliceApiClient } from "./police-api.js";
import { fetchForceMonths } from "./police-fetch.service.js";
import { loadReferenceData } from "./reference.js";

const commaList = (value: string): string[] =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

export function registerCrimeCommands(program: Command): void {
  program
    .command("ingest")
    .description(
      "load data.police.uk CSVs (a CSV, a folder, or a monthly archive zip); each file replaces its force-month",
    )
    .argument("<paths...>", "CSV files, folders or zips")
    .option("--force <ids>", "only these forces (data.police.uk ids, comma-separated)", commaList)
    .option("--skip-invalid", "load the valid rows of a file with invalid ones, logging every rejected line")
    .action((paths: string[], options: { force?: string[]; skipInvalid?: boolean }) =>
      withDatabase(async (db) => {
        const reference = await loadReferenceData();
        const unknown = (options.force ?? []).filter((id) => !reference.forces.has(id));
        if (unknown.length > 0) throw new AppError(`Unknown force: ${unknown.join(", ")}`, "validation", 422);
        const started = performance.now();
        const progress = createProgress(await totalBytes(paths, options.force));
        let [loaded, rejected, rowsLoaded] = [0, 0, 0];
        try {
          for (const path of paths) {
            for await (const result of ingestPath(db, path, {
              reference,
              actor: cliActor,
              skipInvalid: options.skipInvalid ?? false,
              ...(options.force ? { forceIds: options.force } : {}),
              onFileStart: () => progress.startFile(),
              onProgress: ({ rows, bytes }) => progress.update(rows, bytes),
            })) {
              if (result.status === "loaded") {
                loaded++;
                rowsLoaded += result.rowsAccepted;
              } else {
                rejected++;
              }
              progress.log(summarise(result));
            }
          }
        } finally {
          progress.stop();
        }
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stdout.write(
          `${loaded} files loaded (${rowsLoaded} rows), ${rejected} rejected, in ${seconds} s\n`,
        );
        if (rejected > 0) {
          throw new AppError(
            `${rejected} ${rejected === 1 ? "file was" : "files were"} rejected`,
            "rejected",
            422,
          );
        }
      }),
    );

  program
    .command("fetch")
    .description(
      "fill the store for a force from the data.police.uk API (street crimes and stop and search, month by month)",
    )
    .requiredOption("--force <id>", "data.police.uk force id, e.g. west-mercia")
    .requiredOption("--from <YYYY-MM>", "first month")
    .requiredOption("--to <YYYY-MM>", "last month")
    .option("--out <dir>", "also write the CSVs built from the API's answers to this folder")
    .option("--skip-invalid", "load the valid rows of a month with invalid ones, logging every rejected line")
    .option("--api-url <url>", "the API's address (a mirror or a test server)", POLICE_API_URL)
    .action(
      (options: {
        force: string;
        from: string;
        to: string;
        out?: string;
        skipInvalid?: boolean;
        apiUrl: string;
      }) =>
        withDatabase(async (db) => {
          const client = new PoliceApiClient({ baseUrl: options.apiUrl });
          let rejected = 0;
          for await (const result of fetchForceMonths(db, client, {
            forceId: options.force,
            from: options.from,
            to: options.to,
            reference: await loadReferenceData(),
            actor: cliActor,
            skipInvalid: options.skipInvalid ?? false,
            ...(options.out === undefined ? {} : { outDir: options.out }),
            log: (line) => process.stderr.write(`${line}\n`),
          })) {
            if (result.status === "rejected") rejected++;
            process.stdout.write(`${summarise(result)}\n`);
          }
          if (rejected > 0) {
            throw new AppError(
              `${rejected} ${rejected === 1 ? "month was" : "months were"} rejected`,
              "rejected",
              422,
            );
          }
        }),
    );

  program
    .command("counts")
    .description("print street crime counts as CSV, from the monthly aggregates")
    .requiredOption("--force <ids>", "data.police.uk force ids, comma-separated", commaList)
    .requiredOption("--from <YYYY-MM>", "first month")
    .requiredOption("--to <YYYY-MM>", "last month")
    .addOption(
      new Option("--by <dimensions>", `group by, in this column order: ${COUNT_DIMENSIONS.join(", ")}`)
        .argParser(commaList)
        .default(["month", "crime-type"]),
    )
    .action((options: { force: string[]; from: string; to: string; by: string[] }) =>
      withDatabase(async (db) => {
        const query = countsQuerySchema.safeParse({
          forceIds: options.force,
          from: options.from,
          to: options.to,
          by: options.by,
        });
        if (!query.success) throw new AppError(z.prettifyError(query.error), "validation", 422);
        const table = await countStreetCrimes(db, await loadReferenceData(), query.data);
        process.stdout.write(toCsv(table));
      }),
    );
}

async function totalBytes(paths: readonly string[], forceIds?: readonly string[]): Promise<number> {
  let total = 0;
  for (const path of paths) total += await measurePath(path, forceIds);
  return total;
}

function summarise(result: IngestResult): string {
  if (result.status === "loaded") {
    const extras = [
      result.rowsRejected > 0 ? `${result.rowsRejected} rejected (logged)` : "",
      result.duplicateRows > 0 ? `${result.duplicateRows} duplicates loaded once` : "",
    ].filter((text) => text !== "");
    const rate = Math.round((result.rowsAccepted / Math.max(result.durationMs, 1)) * 1000);
    return `loaded   ${result.file}: ${result.rowsAccepted} rows${extras.length ? ` (${extras.join(", ")})` : ""} in ${result.durationMs} ms (${rate} rows/s)`;
  }
  const errors = result.errors.map((error) => `  ${describeParseError(error)}`);
  if (result.errorTotal > result.errors.length) {
    errors.push(`  … and ${result.errorTotal - result.errors.length} more`);
  }
  return [`REJECTED ${result.reason}`, ...errors].join("\n");
}

interface Progress {
  startFile(): void;
  /** Rows and bytes read so far of the current file. */
  update(rows: number, bytes: number): void;
  log(line: string): void;
  stop(): void;
}

/** A bar with rows/s and ETA on a terminal; otherwise a plain line every few seconds and per file. */
function createProgress(totalBytes: number): Progress {
  const started = Date.now();
  let rowsBefore = 0;
  let bytesBefore = 0;
  let rows = 0;
  let bytes = 0;
  const rowsPerSecond = () => Math.round(rows / Math.max((Date.now() - started) / 1000, 0.001));
  const startFile = () => {
    rowsBefore = rows;
    bytesBefore = bytes;
  };
  if (process.stderr.isTTY) {
    // A MultiBar of one, because only MultiBar can print lines above the bar.
    const bars = new cliProgress.MultiBar(
      {
        format: "{bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}",
        stream: process.stderr,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    const bar = bars.create(Math.max(totalBytes, 1), 0, { rows: 0, rate: 0 });
    return {
      startFile,
      update(fileRows, fileBytes) {
        rows = rowsBefore + fileRows;
        bytes = bytesBefore + fileBytes;
        bar.update(bytes, { rows, rate: rowsPerSecond() });
      },
      log: (line) => bars.log(`${line}\n`),
      stop: () => bars.stop(),
    };
  }
  let lastLine = started;
  return {
    startFile,
    update(fileRows, fileBytes) {
      rows = rowsBefore + fileRows;
      bytes = bytesBefore + fileBytes;
      if (Date.now() - lastLine < 5_000) return;
      lastLine = Date.now();
      const percent = totalBytes > 0 ? Math.round((bytes / totalBytes) * 100) : 100;
      process.stderr.write(`${percent}%: ${rows} rows, ${rowsPerSecond()} rows/s\n`);
    },
    log: (line) => process.stdout.write(`${line}\n`),
    stop: () => {},
  };
}
