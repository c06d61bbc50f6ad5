import type { Generated, Selectable } from "kysely";

/** data.police.uk data as loaded by the ingest. Months are `YYYY-MM` text. */
export interface CrimeTables {
  crime_forces: CrimeForceTable;
  crime_lsoas: CrimeLsoaTable;
  crime_types: CrimeLabelTable;
  crime_outcome_categories: OutcomeCategoryTable;
  crime_street_crimes: StreetCrimeTable;
  crime_outcome_events: OutcomeEventTable;
  crime_stop_searches: StopSearchTable;
  crime_monthly_counts: MonthlyCountTable;
  crime_lsoa_counts: LsoaCountTable;
  crime_type_counts: TypeCountTable;
  crime_outcome_counts: OutcomeCountTable;
  crime_ingests: IngestLogTable;
}

export interface CrimeForceTable {
  /** data.police.uk id, e.g. `west-mercia`. */
  id: string;
  name: string;
}

export interface CrimeLsoaTable {
  code: string;
  name: string | null;
  /** ONS LAD23 code; null when the LSOA's name does not resolve to a current local authority. */
  local_authority_code: string | null;
}

/** Crime types and outcome categories, kept verbatim as data.police.uk labels them. */
export interface CrimeLabelTable {
  id: Generated<number>;
  label: string;
}

export interface OutcomeCategoryTable extends CrimeLabelTable {
  /** The group our mapping puts the label in (groupOfPoliceUkLabel), kept in step at start-up. */
  outcome_group: string | null;
}

export interface StreetCrimeTable {
  force_id: string;
  month: string;
  /** Null for anti-social behaviour. */
  crime_id: string | null;
  lsoa_code: string | null;
  longitude: number | null;
  latitude: number | null;
  location: string;
  crime_type_id: number;
  last_outcome_id: number | null;
  context: string | null;
}

export interface OutcomeEventTable {
  force_id: string;
  month: string;
  crime_id: string;
  outcome_id: number;
}

export interface StopSearchTable {
  force_id: string;
  month: string;
  searched_at: string;
  type: string;
  part_of_policing_operation: number | null;
  policing_operation: string | null;
  latitude: number | null;
  longitude: number | null;
  gender: string | null;
  age_range: string | null;
  self_defined_ethnicity: string | null;
  officer_defined_ethnicity: string | null;
  legislation: string | null;
  object_of_search: string | null;
  outcome: string | null;
  outcome_linked_to_object_of_search: number | null;
  removal_of_more_than_outer_clothing: number | null;
}

export interface MonthlyCountTable {
  force_id: string;
  month: string;
  local_authority_code: string | null;
  crime_type_id: number;
  last_outcome_id: number | null;
  count: number;
}

/**
 * Smaller rollups of the same street crimes, each written with its force-month, so that a query
 * reads the smallest table that answers it (see sumMonthlyCounts). LSOA is null for "No Location".
 */
export interface LsoaCountTable {
  force_id: string;
  month: string;
  lsoa_code: string | null;
  crime_type_id: number;
  count: number;
}

export interface TypeCountTable {
  force_id: string;
  month: string;
  crime_type_id: number;
  count: number;
}

export interface OutcomeCountTable {
  force_id: string;
  month: string;
  crime_type_id: number;
  last_outcome_id: number | null;
  count: number;
}

export interface IngestLogTable {
  id: Generated<number>;
  file_name: string;
  sha256: string;
  kind: string;
  force_id: string;
  month: string;
  rows_accepted: number;
  rows_rejected: number;
  /** Rows repeated verbatim in the file (outcomes files have some), loaded once. */
  duplicate_rows: number;
  /** Every rejected line as `[{line, field, message}]`, when loaded with skip-invalid. */
  rejected_lines_json: string | null;
  duration_ms: number;
  user_id: number | null;
  actor: string;
  ingested_at: string;
}
export type IngestLogRow = Selectable<IngestLogTable>;
