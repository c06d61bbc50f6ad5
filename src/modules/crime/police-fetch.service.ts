/**
 * `scrutineer fetch`: fills the store for a force and a range of months from the data.police.uk API.
 * The API's answers are written out as the CSVs data.police.uk publishes (street and stop and search)
 * and loaded by the same ingest as downloaded files, so they get the same validation, the same
 * replace-a-force-month-whole rule and the same ingest log (file names start `data.police.uk-api/`).
 *
 * Street crimes are asked for neighbourhood by neighbourhood (the API has no "whole force" query) plus
 * the force's crimes without a location. The API gives no LSOA, so API-loaded crimes have none: they
 * count for the force but not for local authorities or local policing areas. Crimes located by British
 * Transport Police are left out, as the force's own files leave them out.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Db } from "../../db/database.js";
import { AppError } from "../../lib/errors.js";
import type { Actor } from "../audit/actor.js";
import { formatCsvField } from "./csv-tokenizer.js";
import { EXPECTED_HEADERS, type FileKind } from "./file-kinds.js";
import { ingestPoliceCsv, type IngestResult } from "./ingest.service.js";
import type { LatLng, PoliceApiClient, StopSearch, StreetCrime } from "./police-api.js";
import type { Force, ReferenceData } from "./reference.js";

export interface FetchOptions {
  forceId: string;
  /** `YYYY-MM`, inclusive. */
  from: string;
  to: string;
  reference: ReferenceData;
  actor: Actor;
  skipInvalid?: boolean;
  /** Also write the CSVs built from the API's answers here. */
  outDir?: string;
  log?: (line: string) => void;
}

export async function* fetchForceMonths(
  db: Db,
  client: PoliceApiClient,
  options: FetchOptions,
): AsyncGenerator<IngestResult> {
  const { forceId, reference, log = () => {} } = options;
  const force = reference.forces.get(forceId);
  if (!force) throw new AppError(`Unknown force: ${forceId}`, "validation", 422);
  const months = monthRange(options.from, options.to);
  const latest = (await client.crimeLastUpdated()).date.slice(0, 7);
  if (options.to > latest) {
    throw new AppError(
      `data.police.uk has data up to ${latest}; ask for months up to then (--to ${options.to} is later)`,
      "validation",
      422,
    );
  }

  const neighbourhoods = await client.neighbourhoods(forceId);
  const boundaries: LatLng[][] = [];
  for (const neighbourhood of neighbourhoods) {
    boundaries.push(await client.neighbourhoodBoundary(forceId, neighbourhood.id));
  }
  log(`${force.name}: ${neighbourhoods.length} neighbourhoods`);

  for (const month of months) {
    const categories = new Map(
      (await client.crimeCategories(month)).map((category) => [category.url, category.name]),
    );
    const crimes = new Map<number, StreetCrime>();
    for (const boundary of boundaries) {
      for (const crime of await client.crimesStreetInArea(boundary, month)) crimes.set(crime.id, crime);
    }
    for (const crime of await client.crimesNoLocation(forceId, month)) crimes.set(crime.id, crime);
    const own = [...crimes.values()].filter((crime) => crime.location_type !== "BTP");
    log(
      `${month}: ${own.length} street crimes (${crimes.size - own.length} located by British Transport Police left out)`,
    );
    yield await load(db, options, month, "street", streetCsv(force, own, categories));

    const stops = await client.stopsForce(forceId, month);
    log(`${month}: ${stops.length} stops and searches`);
    yield await load(db, options, month, "stop-and-search", stopSearchCsv(stops));
  }
}

async function load(
  db: Db,
  options: FetchOptions,
  month: string,
  kind: FileKind,
  csv: string,
): Promise<IngestResult> {
  const name = `${month}-${options.forceId}-${kind}.csv`;
  if (options.outDir !== undefined) {
    await mkdir(options.outDir, { recursive: true });
    await writeFile(join(options.outDir, name), csv);
  }
  return ingestPoliceCsv(
    db,
    { file: `data.police.uk-api/${name}`, stream: once(csv) },
    { reference: options.reference, actor: options.actor, skipInvalid: options.skipInvalid ?? false },
  );
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

export function monthRange(from: string, to: string): string[] {
  const pattern = /^\d{4}-(0[1-9]|1[0-2])$/;
  if (!pattern.test(from) || !pattern.test(to)) {
    throw new AppError(`--from and --to must be YYYY-MM months (got ${from}, ${to})`, "validation", 422);
  }
  if (from > to) throw new AppError(`--from ${from} is after --to ${to}`, "validation", 422);
  const months: string[] = [];
  for (let [year, month] = from.split("-").map(Number) as [number, number]; ;) {
    const text = `${year}-${String(month).padStart(2, "0")}`;
    months.push(text);
    if (text === to) return months;
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
}

const csvLine = (fields: readonly (string | null)[]) =>
  fields.map((field) => formatCsvField(field ?? "")).join(",");

/** The force's street file as data.police.uk publishes it; crime types by their published labels. */
export function streetCsv(
  force: Force,
  crimes: readonly StreetCrime[],
  categories: ReadonlyMap<string, string>,
): string {
  const lines = [csvLine(EXPECTED_HEADERS.street)];
  for (const crime of crimes) {
    const type = categories.get(crime.category);
    if (type === undefined) {
      throw new AppError(
        `data.police.uk gave crime ${crime.id} the category "${crime.category}", which its crime-categories list for ${crime.month} does not hold`,
        "invalid-response",
        502,
      );
    }
    lines.push(
      csvLine([
        crime.persistent_id,
        crime.month,
        force.name,
        force.name,
        crime.location?.longitude ?? "",
        crime.location?.latitude ?? "",
        crime.location?.street.name ?? "No Location",
        "",
        "",
        type,
        crime.outcome_status?.category ?? "",
        crime.context,
      ]),
    );
  }
  return `${lines.join("\n")}\n`;
}

const trueFalse = (value: boolean | null) => (value === null ? "" : value ? "True" : "False");

export function stopSearchCsv(stops: readonly StopSearch[]): string {
  const lines = [csvLine(EXPECTED_HEADERS["stop-and-search"])];
  for (const stop of stops) {
    lines.push(
      csvLine([
        stop.type,
        stop.datetime,
        trueFalse(stop.operation),
        stop.operation_name,
        stop.location?.latitude ?? "",
        stop.location?.longitude ?? "",
        stop.gender,
        stop.age_range,
        stop.self_defined_ethnicity,
        stop.officer_defined_ethnicity,
        stop.legislation,
        stop.object_of_search,
        stop.outcome === false ? "" : stop.outcome,
        trueFalse(stop.outcome_linked_to_object_of_search),
        trueFalse(stop.removal_of_more_than_outer_clothing),
      ]),
    );
  }
  return `${lines.join("\n")}\n`;
}
