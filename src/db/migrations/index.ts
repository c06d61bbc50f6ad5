import type { Migration } from "kysely";
import * as foundation from "./0001-foundation.js";

/** Every migration, in order. A static list, so the compiled app and the tests see the same set. */
export const migrations: Record<string, Migration> = {
  "0001-foundation": foundation,
};
