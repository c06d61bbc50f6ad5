import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { systemActor } from "../audit/actor.js";
import type { FindingInput, InspectionInput } from "./inspections.schema.js";
import { createFinding, createInspection } from "./inspections.service.js";

// Factories for the inspections tests: an inspection and findings with sensible defaults.

export function makeInspection(db: Kysely<Database>, overrides: Partial<InspectionInput> = {}) {
  return createInspection(db, systemActor, {
    kind: "peel",
    title: "PEEL 2023–25 test inspection",
    published_on: "2025-01-10",
    report_url: null,
    scope: null,
    ...overrides,
  });
}

let counter = 0;
export function makeFinding(
  db: Kysely<Database>,
  inspectionId: number,
  overrides: Partial<FindingInput> = {},
) {
  counter++;
  return createFinding(db, systemActor, inspectionId, {
    kind: "area_for_improvement",
    reference: `AFI ${counter}`,
    text: `Area for improvement number ${counter}`,
    owner: "Head of Contact",
    target_date: null,
    parent_id: null,
    ...overrides,
  });
}
