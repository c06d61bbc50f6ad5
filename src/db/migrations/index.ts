import type { Migration } from "kysely";
import * as foundation from "./0001-foundation.js";
import * as crime from "./0002-crime.js";
import * as measures from "./0004-measures.js";

/** Every migration, in order. A static list, so the compiled app and the tests see the same set. */
export const migrations: Record<string, Migration> = {
  "0001-foundation": foundation,
  "0002-crime": crime,
  "0004-measures": measures,
};
