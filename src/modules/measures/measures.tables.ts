import type { Generated, Insertable, Selectable } from "kysely";
import type { AreaType, Frequency, MeasureSource, MeasureUnit } from "./measures.schema.js";
import type { Polarity } from "../../stats/msg.js";

export interface MeasureTables {
  measures: MeasureTable;
  measure_imports: MeasureImportTable;
  measure_values: MeasureValueTable;
  measure_annotations: MeasureAnnotationTable;
  /** One row, bumped by triggers on every change to `measures` (migration 0014). */
  measures_version: { version: number };
  /**
   * One row: a random token replaced by triggers on every change to a table a series is worked out from
   * (migration 0017).
   */
  figures_version: { version: string };
}

export interface MeasureTable {
  id: string;
  name: string;
  definition: string;
  unit: MeasureUnit;
  polarity: Polarity;
  frequency: Frequency;
  source: MeasureSource;
  national_priority: string | null;
  local_priority: string | null;
  target: number | null;
  /** data.police.uk measures only: a `PoliceUkQuery` as JSON. */
  query_json: string | null;
  published: number;
  created_at: string;
  updated_at: string;
}
export type MeasureRow = Selectable<MeasureTable>;
export type NewMeasureRow = Insertable<MeasureTable>;

export interface MeasureImportTable {
  id: Generated<number>;
  file_name: string;
  row_count: number;
  imported_by: string;
  imported_at: string;
}

export interface MeasureValueTable {
  id: Generated<number>;
  measure_id: string;
  /** Canonical period text (`formatPeriod`): "2025-01", "Q2 2024/25", "2025-W03". */
  period: string;
  period_start: string;
  period_end: string;
  area_type: AreaType;
  /** Force id (`west-mercia`), local authority code (`E06000019`) or LPA key (`west-mercia/herefordshire`). */
  area_code: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
  import_id: number | null;
  created_at: string;
  updated_at: string;
}
export type MeasureValueRow = Selectable<MeasureValueTable>;
export type NewMeasureValueRow = Insertable<MeasureValueTable>;

export interface MeasureAnnotationTable {
  id: Generated<number>;
  measure_id: string;
  date: string;
  text: string;
  rebase: number;
  created_by: string;
  created_at: string;
}
export type MeasureAnnotationRow = Selectable<MeasureAnnotationTable>;
