import type { Kysely, SelectQueryBuilder, Transaction, Updateable } from "kysely";
import { KeptWhileUnchanged } from "../../db/kept-while-unchanged.js";
import type { Database } from "../../db/schema.js";
import { msgPeerIdsQuery } from "../crime/msg-groups.repository.js";
import type { CheckedValue } from "./force-return.js";
import type { AreaType } from "./measures.schema.js";
import type {
  MeasureAnnotationRow,
  MeasureRow,
  MeasureTable,
  MeasureValueRow,
  NewMeasureRow,
} from "./measures.tables.js";

type Executor = Kysely<Database> | Transaction<Database>;

/** Each database's catalogue, kept while its version is unchanged. */
const keptCatalogues = new KeptWhileUnchanged<readonly MeasureRow[]>("measures_version", 1);

/**
 * Every measure (or the published ones), ordered by source and id. Pages that list measures read the
 * catalogue on every request, and its couple of hundred rows of 14 columns cost 1.5-2 ms of CPU to read,
 * so it is kept while its version (bumped by triggers on every change to the table, by any process) is
 * unchanged: checking that reads one row. A transaction reads it afresh and keeps nothing: what it sees
 * may yet be rolled back (and, kept by transaction, it would serve no other reader).
 */
export async function listMeasures(db: Executor, options: { publishedOnly: boolean }): Promise<MeasureRow[]> {
  return visibleMeasures(await catalogue(db), options);
}

export function visibleMeasures(
  measures: readonly MeasureRow[],
  options: { publishedOnly: boolean },
): MeasureRow[] {
  return measures.filter((measure) => !options.publishedOnly || measure.published === 1);
}

/** What has been worked out from each kept catalogue (see fromKeptCatalogue), let go with it. */
const workedOut = new WeakMap<readonly MeasureRow[], Map<string, unknown>>();

/**
 * Something worked out from the whole catalogue that costs more than reading it, such as the measures
 * page's table or the API's list, kept with the catalogue it came from: worked out again once the
 * catalogue changes, and each time inside a transaction, which reads the catalogue afresh. `key` names
 * what is worked out and every other input it depends on, each from a small fixed set of values, so that
 * few are kept.
 */
export async function fromKeptCatalogue<T>(
  db: Executor,
  key: string,
  workOut: (measures: readonly MeasureRow[]) => T,
): Promise<T> {
  const measures = await catalogue(db);
  let kept = workedOut.get(measures);
  if (!kept) workedOut.set(measures, (kept = new Map<string, unknown>()));
  if (!kept.has(key)) kept.set(key, workOut(measures));
  return kept.get(key) as T;
}

function catalogue(db: Executor): Promise<readonly MeasureRow[]> {
  return keptCatalogues.get(db, "catalogue", async () => {
    const measures = await db.selectFrom("measures").selectAll().orderBy("source").orderBy("id").execute();
    return db.isTransaction ? measures : measures.map((measure) => Object.freeze(measure));
  });
}

export function findMeasure(db: Executor, id: string): Promise<MeasureRow | undefined> {
  return db.selectFrom("measures").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listMeasureIds(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom("measures").select("id").execute();
  return new Set(rows.map((row) => row.id));
}

/** Several processes may start together: a measure another inserted first is left as it is. */
export async function insertMeasures(db: Executor, rows: NewMeasureRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 50) {
    await db
      .insertInto("measures")
      .values(rows.slice(start, start + 50))
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }
}

export function updateMeasure(
  db: Executor,
  id: string,
  changes: Updateable<MeasureTable>,
): Promise<MeasureRow> {
  return db
    .updateTable("measures")
    .set(changes)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface SeriesFilter {
  areas: readonly { type: AreaType; code: string }[];
  from?: string | undefined;
  to?: string | undefined;
  /**
   * Also the values of this force's Most Similar Group peers, for the force's latest period in the range
   * only: what a series compares the force with, read in the same statement.
   */
  peersAtLatestOf?: string | undefined;
}

/** The values of a measure for the areas (all the areas of a breakdown at once), ordered by period. */
export function listValues(
  db: Executor,
  measureId: string,
  filter: SeriesFilter,
): Promise<MeasureValueRow[]> {
  if (filter.areas.length === 0) return Promise.resolve([]);
  const inRange = <O>(query: SelectQueryBuilder<Database, "measure_values", O>) =>
    query
      .$if(filter.from !== undefined, (qb) => qb.where("period_start", ">=", filter.from!))
      .$if(filter.to !== undefined, (qb) => qb.where("period_start", "<=", filter.to!));
  const ofMeasure = db.selectFrom("measure_values").where("measure_id", "=", measureId);
  const values = ofMeasure.selectAll();
  let query = inRange(
    values.where((eb) =>
      eb.or(
        filter.areas.map((area) =>
          eb.and([eb("area_type", "=", area.type), eb("area_code", "=", area.code)]),
        ),
      ),
    ),
  );
  const forceId = filter.peersAtLatestOf;
  if (forceId !== undefined) {
    const latest = inRange(
      ofMeasure.where("area_type", "=", "force").where("area_code", "=", forceId),
    ).select((eb) => eb.fn.max("period_start").as("latest"));
    query = query.unionAll(
      values
        .where("area_type", "=", "force")
        .where("area_code", "in", msgPeerIdsQuery(db, forceId))
        .where("period_start", "=", latest),
    );
  }
  return query.orderBy("period_start").execute();
}

/** The areas a measure has values for, for choosing one. */
export async function listValueAreas(
  db: Executor,
  measureId: string,
): Promise<{ area_type: AreaType; area_code: string }[]> {
  return db
    .selectFrom("measure_values")
    .select(["area_type", "area_code"])
    .distinct()
    .where("measure_id", "=", measureId)
    .orderBy("area_type")
    .orderBy("area_code")
    .execute();
}

export function findValue(
  db: Executor,
  value: Pick<CheckedValue, "measureId" | "areaType" | "areaCode" | "periodStart">,
): Promise<MeasureValueRow | undefined> {
  return db
    .selectFrom("measure_values")
    .selectAll()
    .where("measure_id", "=", value.measureId)
    .where("area_type", "=", value.areaType)
    .where("area_code", "=", value.areaCode)
    .where("period_start", "=", value.periodStart)
    .executeTakeFirst();
}

/** Inserts the values, replacing any already held for the same measure, area and period. */
export async function upsertValues(
  db: Executor,
  values: CheckedValue[],
  importId: number | null,
  now: string,
): Promise<MeasureValueRow[]> {
  const saved: MeasureValueRow[] = [];
  for (let start = 0; start < values.length; start += 100) {
    const rows = values.slice(start, start + 100).map((v) => ({
      measure_id: v.measureId,
      period: v.period,
      period_start: v.periodStart,
      period_end: v.periodEnd,
      area_type: v.areaType,
      area_code: v.areaCode,
      value: v.value,
      numerator: v.numerator,
      denominator: v.denominator,
      note: v.note,
      import_id: importId,
      created_at: now,
      updated_at: now,
    }));
    saved.push(
      ...(await db
        .insertInto("measure_values")
        .values(rows)
        .onConflict((oc) =>
          oc.columns(["measure_id", "area_type", "area_code", "period_start"]).doUpdateSet((eb) => ({
            value: eb.ref("excluded.value"),
            numerator: eb.ref("excluded.numerator"),
            denominator: eb.ref("excluded.denominator"),
            note: eb.ref("excluded.note"),
            import_id: eb.ref("excluded.import_id"),
            updated_at: eb.ref("excluded.updated_at"),
          })),
        )
        .returningAll()
        .execute()),
    );
  }
  return saved;
}

export function insertImport(
  db: Executor,
  row: { file_name: string; row_count: number; imported_by: string; imported_at: string },
): Promise<{ id: number }> {
  return db.insertInto("measure_imports").values(row).returning("id").executeTakeFirstOrThrow();
}

export function listAnnotations(db: Executor, measureId: string): Promise<MeasureAnnotationRow[]> {
  return db
    .selectFrom("measure_annotations")
    .selectAll()
    .where("measure_id", "=", measureId)
    .orderBy("date")
    .orderBy("id")
    .execute();
}

export function insertAnnotation(
  db: Executor,
  row: {
    measure_id: string;
    date: string;
    text: string;
    rebase: number;
    created_by: string;
    created_at: string;
  },
): Promise<MeasureAnnotationRow> {
  return db.insertInto("measure_annotations").values(row).returningAll().executeTakeFirstOrThrow();
}
