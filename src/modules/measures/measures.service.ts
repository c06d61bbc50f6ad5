import type { Kysely } from "kysely";
import { KeptWhileUnchanged } from "../../db/kept-while-unchanged.js";
import type { Database } from "../../db/schema.js";
import { AppError, NotFoundError, ValidationError } from "../../lib/errors.js";
import { deepFreeze, pushTo } from "../../lib/collections.js";
import { nowIso } from "../../lib/time.js";
import type { Actor } from "../audit/actor.js";
import { systemActor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import { loadedVolumes } from "../crime/crime.repository.js";
import { msgPeerIds } from "../crime/msg-groups.service.js";
import { areaDirectory, type Area } from "./areas.js";
import {
  overlappingMeasureIds,
  positiveOutcomeDefinition,
  shippedMeasures,
  type PositiveOutcomeQuery,
} from "./catalogue.js";
import { COUNTABLE_OUTCOME_GROUPS, type OutcomeGroup } from "../../stats/outcomes.js";
import {
  checkForceReturn,
  checkValue,
  describeProblem,
  type CheckingContext,
  type ForceReturnProblem,
} from "./force-return.js";
import {
  findMeasure,
  findValue,
  insertAnnotation,
  insertImport,
  insertMeasures,
  listAnnotations,
  listMeasureIds,
  listMeasures,
  listValues,
  updateMeasure,
  upsertValues,
} from "./measures.repository.js";
import {
  policeUkQuerySchema,
  type AnnotationForm,
  type PoliceUkQuery,
  type MeasureSettingsForm,
  type SeriesQuery,
  type SingleValueForm,
} from "./measures.schema.js";
import type { MeasureAnnotationRow, MeasureRow, MeasureValueRow } from "./measures.tables.js";
import { fileKindOf, gapsInVolumes, policeUkSeries, unsupportedArea } from "./police-uk-series.js";
import { buildSeries, type MeasureSeries, type PeerFigure, type SeriesPoint } from "./series.js";

/**
 * Adds the shipped measures (built in, and data/measures/definitions.json) that the database does
 * not hold yet; measures already there keep the settings the OPCC gave them.
 */
export async function ensureMeasureCatalogue(db: Kysely<Database>): Promise<string[]> {
  const existing = await listMeasureIds(db);
  const missing = (await shippedMeasures()).filter((m) => !existing.has(m.id));
  if (missing.length === 0) return [];
  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    await insertMeasures(
      trx,
      missing.map((m) => ({
        id: m.id,
        name: m.name,
        definition: m.definition,
        unit: m.unit,
        polarity: m.polarity,
        frequency: m.frequency,
        source: m.source,
        national_priority: m.nationalPriority,
        local_priority: m.localPriority,
        target: m.target,
        query_json: m.query ? JSON.stringify(m.query) : null,
        published: 0,
        created_at: now,
        updated_at: now,
      })),
    );
    await recordAudit(trx, systemActor, {
      action: "create",
      entityType: "measure-catalogue",
      entityId: "shipped",
      after: { added: missing.map((m) => m.id) },
    });
  });
  return missing.map((m) => m.id);
}

// The catalogue as the repository keeps it; read through the service like everything else.
export {
  listMeasures as listCatalogue,
  fromKeptCatalogue,
  visibleMeasures,
  listAnnotations as listMeasureNotes,
} from "./measures.repository.js";

/** A measure the reader may see: unpublished ones exist only for signed-in users. */
export async function measureFor(
  db: Kysely<Database>,
  id: string,
  options: { publishedOnly: boolean },
): Promise<MeasureRow> {
  const measure = await findMeasure(db, id);
  if (!measure || (options.publishedOnly && measure.published !== 1))
    throw new NotFoundError(`No measure ${id}`);
  return measure;
}

async function checkingContext(db: Kysely<Database>): Promise<CheckingContext> {
  const [measures, areas] = await Promise.all([listMeasures(db, { publishedOnly: false }), areaDirectory()]);
  return { measures: new Map(measures.map((m) => [m.id, m])), areas };
}

/** A return refused: every problem, each naming its line and column. */
export class ForceReturnRejectedError extends AppError {
  constructor(
    readonly fileName: string,
    readonly problems: ForceReturnProblem[],
  ) {
    super(
      `${fileName} was not imported: ${problems.length} problem${problems.length === 1 ? "" : "s"}:` +
        ["", ...problems.map((p) => describeProblem(p, fileName))].join("\n"),
      "validation",
      422,
    );
  }
}

export interface ImportSummary {
  importId: number;
  fileName: string;
  rows: number;
  added: number;
  replaced: number;
  measures: string[];
}

/** Imports a force return whole, or nothing of it. */
export async function importForceReturn(
  db: Kysely<Database>,
  actor: Actor,
  file: { name: string; text: string },
): Promise<ImportSummary> {
  const checked = checkForceReturn(file.text, await checkingContext(db));
  if (!checked.ok) throw new ForceReturnRejectedError(file.name, checked.problems);
  const { values } = checked;
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const { id: importId } = await insertImport(trx, {
      file_name: file.name,
      row_count: values.length,
      imported_by: actor.label,
      imported_at: now,
    });
    const saved = await upsertValues(trx, values, importId, now);
    const replaced = saved.filter((row) => row.created_at !== now).length;
    const summary: ImportSummary = {
      importId,
      fileName: file.name,
      rows: values.length,
      added: values.length - replaced,
      replaced,
      measures: [...new Set(values.map((v) => v.measureId))].sort(),
    };
    await recordAudit(trx, actor, {
      action: "import",
      entityType: "measure-import",
      entityId: importId,
      after: summary,
    });
    return summary;
  });
}

const valueAuditView = (row: MeasureValueRow) => ({
  measure_id: row.measure_id,
  period: row.period,
  area: `${row.area_type}:${row.area_code}`,
  value: row.value,
  numerator: row.numerator,
  denominator: row.denominator,
  note: row.note,
});

/** Saves one value from the form, replacing any held for the same period and area. */
export async function saveSingleValue(
  db: Kysely<Database>,
  actor: Actor,
  measureId: string,
  form: SingleValueForm,
): Promise<MeasureValueRow> {
  const checked = checkValue({ measure_id: measureId, ...form }, await checkingContext(db));
  if (!checked.ok) {
    throw new ValidationError(
      checked.problems.map((p) => ({
        field: p.field === "measure_id" || p.field === "file" ? "value" : p.field,
        text: `${label(p.field)} ${p.message}`,
      })),
    );
  }
  return db.transaction().execute(async (trx) => {
    const before = await findValue(trx, checked.value);
    const [saved] = await upsertValues(trx, [checked.value], null, nowIso());
    const row = saved as MeasureValueRow;
    await recordAudit(trx, actor, {
      action: before ? "update" : "create",
      entityType: "measure-value",
      entityId: row.id,
      ...(before ? { before: valueAuditView(before) } : {}),
      after: valueAuditView(row),
    });
    return row;
  });
}

function label(field: string): string {
  return (
    {
      period: "Period",
      area: "Area",
      value: "Value",
      numerator: "Numerator",
      denominator: "Denominator",
      note: "Note",
    }[field] ?? "Measure"
  );
}

export async function addAnnotation(
  db: Kysely<Database>,
  actor: Actor,
  measureId: string,
  form: AnnotationForm,
): Promise<MeasureAnnotationRow> {
  return db.transaction().execute(async (trx) => {
    if (!(await findMeasure(trx, measureId))) throw new NotFoundError(`No measure ${measureId}`);
    const annotation = await insertAnnotation(trx, {
      measure_id: measureId,
      date: form.date,
      text: form.text,
      rebase: form.rebase ? 1 : 0,
      created_by: actor.label,
      created_at: nowIso(),
    });
    await recordAudit(trx, actor, {
      action: "create",
      entityType: "measure-annotation",
      entityId: annotation.id,
      after: { measure_id: measureId, date: form.date, text: form.text, rebase: annotation.rebase },
    });
    return annotation;
  });
}

export async function updateMeasureSettings(
  db: Kysely<Database>,
  actor: Actor,
  measureId: string,
  /** Without positiveOutcomes, a positive outcome rate keeps the outcomes it counts. */
  form: Omit<MeasureSettingsForm, "positiveOutcomes"> &
    Partial<Pick<MeasureSettingsForm, "positiveOutcomes">>,
): Promise<MeasureRow> {
  return db.transaction().execute(async (trx) => {
    const before = await findMeasure(trx, measureId);
    if (!before) throw new NotFoundError(`No measure ${measureId}`);
    const after = await updateMeasure(trx, measureId, {
      published: form.published === "yes" ? 1 : 0,
      target: form.target === "" ? null : Number(form.target),
      local_priority: form.localPriority || null,
      ...(form.positiveOutcomes && positiveOutcomeChange(before, form.positiveOutcomes)),
      updated_at: nowIso(),
    });
    const view = (m: MeasureRow) => ({
      published: m.published,
      target: m.target,
      local_priority: m.local_priority,
      query: m.query_json,
    });
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "measure",
      entityId: measureId,
      before: view(before),
      after: view(after),
    });
    return after;
  });
}

/**
 * A positive outcome rate's new numerator, and the definition that names it; nothing for any other measure.
 * The groups keep the catalogue's order, so the same choice always reads the same.
 */
function positiveOutcomeChange(
  measure: MeasureRow,
  chosen: readonly OutcomeGroup[],
): Pick<MeasureRow, "query_json" | "definition"> | Record<string, never> {
  const query = policeUkQueryOf(measure);
  if (query?.kind !== "positive-outcome-rate") return {};
  if (chosen.length === 0)
    throw new ValidationError([
      { field: "positiveOutcomes", text: "Choose at least one outcome that counts as positive" },
    ]);
  const changed: PositiveOutcomeQuery = {
    ...query,
    outcomeGroups: COUNTABLE_OUTCOME_GROUPS.filter((group) => chosen.includes(group)),
  };
  return { query_json: JSON.stringify(changed), definition: positiveOutcomeDefinition(changed) };
}

const pointOf = (row: MeasureValueRow): SeriesPoint => ({
  period: row.period,
  periodStart: row.period_start,
  periodEnd: row.period_end,
  value: row.value,
  numerator: row.numerator,
  denominator: row.denominator,
  note: row.note,
});

const parsedQueries = new WeakMap<MeasureRow, PoliceUkQuery>();

/** A data.police.uk measure's query, or null for a measure of values given; parsed once for each row read. */
export function policeUkQueryOf(measure: MeasureRow): PoliceUkQuery | null {
  if (measure.query_json === null) return null;
  let query = parsedQueries.get(measure);
  if (query === undefined) {
    query = policeUkQuerySchema.parse(JSON.parse(measure.query_json));
    parsedQueries.set(measure, query);
  }
  return query;
}

/**
 * Each area's points of a measure in a range, by area code: the figures alone, without the change,
 * SPC and comparison a series adds. The areas are read together: a breakdown by area costs one query,
 * not a series an area. An area with no figures, or none the measure can have, has no points. With
 * peersAtLatestOf (a force among those wanted), its Most Similar Group peers' figures come too, for that
 * force's latest period in the range only, read in the same statements.
 */
export async function measurePoints(
  db: Kysely<Database>,
  measure: MeasureRow,
  wanted: readonly Area[],
  range: Pick<SeriesQuery, "from" | "to">,
  peersAtLatestOf?: string,
): Promise<Map<string, SeriesPoint[]>> {
  const query = policeUkQueryOf(measure);
  if (query === null) {
    const rows = await listValues(db, measure.id, {
      areas: wanted,
      from: range.from,
      to: range.to,
      peersAtLatestOf,
    });
    const points = new Map<string, SeriesPoint[]>(wanted.map((area) => [area.code, []]));
    for (const row of rows) pushTo(points, row.area_code, pointOf(row));
    return points;
  }
  // data.police.uk figures are monthly: a range of period start dates is a range of months.
  const months = { from: range.from?.slice(0, 7), to: range.to?.slice(0, 7) };
  return policeUkSeries(db, query, wanted, await areaDirectory(), months, peersAtLatestOf);
}

export type MeasureSeriesView = MeasureSeries & { unavailable: string | null; msgGroup: string | null };

/**
 * Series kept while the figures they are worked out from are unchanged (figures_version, migration 0017).
 * A series costs five statements and its statistics; dashboards, reports and the API ask for the same ones
 * again and again. The 500 used last are kept: a series is 23-25 KB as JSON, so some tens of MB at most.
 */
const keptSeries = new KeptWhileUnchanged<MeasureSeriesView>("figures_version", 500);

/**
 * A measure's series for an area and range, with change, SPC and peer comparison. Shared by every caller
 * that asks for the same one while the figures are unchanged, so frozen.
 */
export function measureSeries(
  db: Kysely<Database>,
  measure: MeasureRow,
  query: SeriesQuery,
): Promise<MeasureSeriesView> {
  // The measure as the caller read it is part of the key: read before the version, it may be older.
  return keptSeries.get(db, JSON.stringify([measure, query]), async () =>
    deepFreeze(await workOutMeasureSeries(db, measure, query)),
  );
}

async function workOutMeasureSeries(
  db: Kysely<Database>,
  measure: MeasureRow,
  query: SeriesQuery,
): Promise<MeasureSeriesView> {
  const areas = await areaDirectory();
  const area = areas.find(query.area);
  if (!area) throw new NotFoundError(`No area ${query.area}`);
  const policeQuery = policeUkQueryOf(measure);
  // Independent reads at once: on PostgreSQL each is a round trip. A force is compared only with its Most
  // Similar Group, never with whichever forces have data: the other members' figures for the latest period
  // come with the force's own.
  const peersOf = area.type === "force" ? area.code : undefined;
  const forceId = areas.forceIdOf(area);
  const [annotations, group, byArea, volumes, overlapping] = await Promise.all([
    listAnnotations(db, measure.id),
    peersOf === undefined ? null : msgPeerIds(db, peersOf),
    measurePoints(db, measure, [area], query, peersOf),
    policeQuery === null || forceId === null || unsupportedArea(policeQuery, area)
      ? []
      : loadedVolumes(db, fileKindOf(policeQuery), forceId, {
          withPeers: peersOf !== undefined,
          from: query.from?.slice(0, 7),
          to: query.to?.slice(0, 7),
        }),
    overlappingMeasureIds(),
  ]);
  const gaps = gapsInVolumes(volumes);
  const gapOf = (force: string, period: string) =>
    gaps.find((gap) => gap.forceId === force && gap.month === period);
  const points = byArea.get(area.code) ?? [];
  const latest = points[points.length - 1];
  const otherMembers = [...(group?.forceIds ?? [])]
    .filter((member) => member !== area.code)
    .map((member) => areas.get("force", member))
    .filter((force): force is Area => force !== undefined);
  const peers: PeerFigure[] =
    latest && group
      ? [area, ...otherMembers].map((force) => {
          const year = Number(latest.periodStart.slice(0, 4));
          const gap = gapOf(force.code, latest.period);
          return {
            forceId: force.code,
            point: byArea.get(force.code)?.find((p) => p.period === latest.period) ?? null,
            population: areas.population(force, year)?.population ?? null,
            partial: gap?.kind === "partial" ? gap.note : null,
          };
        })
      : [];
  const series = buildSeries({
    measure,
    area,
    points,
    annotations,
    peers,
    gaps: gaps
      .filter((gap) => gap.forceId === forceId)
      .map((gap) => ({ period: gap.month, kind: gap.kind, note: gap.note })),
    overlapping: overlapping.has(measure.id),
  });
  return {
    ...series,
    msgGroup: group?.name ?? null,
    ...(area.type === "force" && group === null
      ? {
          msg: {
            comparison: null,
            reason: `${area.name} has no Most Similar Group: an administrator can set one under Most Similar Groups.`,
          },
        }
      : {}),
    unavailable: policeQuery === null ? null : unsupportedArea(policeQuery, area),
  };
}
