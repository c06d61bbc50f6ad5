import type { Migration } from "kysely";
import * as foundation from "./0001-foundation.js";
import * as crime from "./0002-crime.js";
import * as meetings from "./0003-meetings.js";
import * as measures from "./0004-measures.js";
import * as inspections from "./0005-inspections.js";
import * as actions from "./0006-actions.js";
import * as reports from "./0007-reports.js";
import * as briefing from "./0008-briefing.js";
import * as publication from "./0009-publication.js";
import * as crimeRollups from "./0010-crime-rollups.js";
import * as editVersions from "./0011-edit-versions.js";
import * as msgGroups from "./0012-msg-groups.js";
import * as outcomeGroups from "./0013-outcome-groups.js";
import * as measuresVersion from "./0014-measures-version.js";
import * as outcomeCountsByOutcome from "./0015-outcome-counts-by-outcome.js";
import * as moreEditVersions from "./0016-more-edit-versions.js";
import * as figuresVersion from "./0017-figures-version.js";

/** Every migration, in order. A static list, so the compiled app and the tests see the same set. */
export const migrations: Record<string, Migration> = {
  "0001-foundation": foundation,
  "0002-crime": crime,
  "0003-meetings": meetings,
  "0004-measures": measures,
  "0005-inspections": inspections,
  "0006-actions": actions,
  "0007-reports": reports,
  "0008-briefing": briefing,
  "0009-publication": publication,
  "0010-crime-rollups": crimeRollups,
  "0011-edit-versions": editVersions,
  "0012-msg-groups": msgGroups,
  "0013-outcome-groups": outcomeGroups,
  "0014-measures-version": measuresVersion,
  "0015-outcome-counts-by-outcome": outcomeCountsByOutcome,
  "0016-more-edit-versions": moreEditVersions,
  "0017-figures-version": figuresVersion,
};
