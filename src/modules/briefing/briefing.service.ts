/**
 * The briefing pack for a meeting's chair: for each agenda item, the evidence the meeting page already gathers
 * (its links to measures, findings and actions, the standing items' open actions and findings, its papers), and
 * the exceptions in that evidence, each turned into a suggested line of enquiry citing the figure. The officer
 * accepts (into the meeting's notes), edits or drops each; regenerating adds only what is new.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { NotFoundError, ValidationError } from "../../lib/errors.js";
import { formatDate } from "../../lib/render.js";
import { nowIso } from "../../lib/time.js";
import { formatPeriod, periodContaining, previousPeriod, type Period } from "../../stats/periods.js";
import type { ActionSummary } from "../actions/actions.repository.js";
import { findActionSummary } from "../actions/actions.repository.js";
import type { Actor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import { findingStatusLabels } from "../inspections/inspections.schema.js";
import { listCatalogue } from "../measures/measures.service.js";
import { loadMeetingPage, type MeetingPage } from "../meetings/meeting-page.js";
import { paperKindLabels } from "../meetings/meetings.schema.js";
import { addLineOfEnquiry } from "../meetings/meetings.service.js";
import {
  deleteSuggestions,
  findSuggestion,
  insertNewSuggestions,
  listOpenFindings,
  listSuggestions,
  updatePendingSuggestion,
  type LinkedFinding,
} from "./briefing.repository.js";
import type { BriefingSuggestionRow, SuggestionKind } from "./briefing.tables.js";
import { findMeasureExceptions, type MeasureException } from "./exceptions.js";

type AgendaItem = MeetingPage["items"][number];

export interface FlaggedException {
  itemId: number;
  kind: SuggestionKind;
  sourceRef: string;
  figure: string;
  question: string;
}

/** Who an accepted suggestion is recorded as asked by: the pack is the chair's, and the chair is the PCC. */
export const ASKED_BY = "PCC";

/** The period a quarterly meeting reviews by default: the last financial quarter ended before its date. */
export function defaultBriefingPeriod(meetingDate: string): Period {
  return previousPeriod(periodContaining("financialQuarter", meetingDate));
}

/** The pack as the page shows it: each item with its evidence and its suggestions. */
export async function loadBriefing(db: Kysely<Database>, meetingId: number, now = new Date()) {
  const page = await loadMeetingPage(db, meetingId, "staff", now);
  const suggestions = await listSuggestions(db, meetingId);
  return {
    page,
    defaultPeriod: formatPeriod(defaultBriefingPeriod(page.meeting.date)),
    generated: suggestions.length > 0,
    items: page.items.map((item) => ({
      item,
      suggestions: suggestions.filter((s) => s.meeting_item_id === item.id),
    })),
  };
}
export type Briefing = Awaited<ReturnType<typeof loadBriefing>>;

/**
 * Flags the agenda's exceptions and stores those not suggested before. Suggestions awaiting a decision whose
 * exception is no longer flagged (a paper has come in, another period is reviewed) are removed, unless the
 * officer has reworded them; accepted and dropped ones always stay.
 */
export async function generateBriefing(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  period: Period,
  now = new Date(),
): Promise<{ added: BriefingSuggestionRow[]; removed: BriefingSuggestionRow[] }> {
  const page = await loadMeetingPage(db, meetingId, "staff", now);
  const flagged = await flagAgenda(db, page, period);
  const current = new Set(flagged.map((f) => f.sourceRef));
  return db.transaction().execute(async (trx) => {
    const removed = (await listSuggestions(trx, meetingId)).filter(
      (s) => s.status === "suggested" && s.updated_at === s.created_at && !current.has(s.source_ref),
    );
    await deleteSuggestions(
      trx,
      removed.map((s) => s.id),
    );
    const at = nowIso();
    const added = await insertNewSuggestions(
      trx,
      flagged.map((f) => ({
        meeting_id: meetingId,
        meeting_item_id: f.itemId,
        kind: f.kind,
        source_ref: f.sourceRef,
        figure: f.figure,
        text: f.question,
        status: "suggested",
        line_of_enquiry_id: null,
        created_at: at,
        updated_at: at,
      })),
    );
    await recordAudit(trx, actor, {
      action: "create",
      entityType: "briefing",
      entityId: meetingId,
      after: {
        period: formatPeriod(period),
        added: added.map((s) => s.source_ref),
        removed: removed.map((s) => s.source_ref),
      },
    });
    return { added, removed };
  });
}

/**
 * Every exception in the agenda's evidence, each placed on one item: an item's own links first; otherwise
 * measures go to the national priorities item (if the measure serves one) or the quarterly performance item,
 * actions to the action tracker review and findings to the HMICFRS update.
 */
export async function flagAgenda(
  db: Kysely<Database>,
  page: MeetingPage,
  period: Period,
): Promise<FlaggedException[]> {
  const { meeting, items } = page;
  const flagged: FlaggedException[] = [];
  const placed = new Set<string>();
  const place = (item: AgendaItem | undefined, exception: Omit<FlaggedException, "itemId">) => {
    if (!item || placed.has(exception.sourceRef)) return;
    placed.add(exception.sourceRef);
    flagged.push({ itemId: item.id, ...exception });
  };
  const linked = (item: AgendaItem, type: "measure" | "finding" | "action") =>
    item.links.filter((link) => link.targetType === type).map((link) => link.targetRef);
  const titled = (words: string) => items.find((item) => item.title.toLowerCase().includes(words));

  // Measures
  const [exceptions, catalogue] = await Promise.all([
    findMeasureExceptions(db, { period }),
    listCatalogue(db, { publishedOnly: false }),
  ]);
  const servesNationalPriority = new Set(catalogue.filter((m) => m.national_priority).map((m) => m.id));
  for (const item of items) {
    const ids = new Set(linked(item, "measure"));
    for (const exception of exceptions.filter((e) => ids.has(e.measureId)))
      place(item, measureFlag(exception));
  }
  for (const exception of exceptions) {
    const home = servesNationalPriority.has(exception.measureId)
      ? (titled("national priorities") ?? titled("quarterly performance"))
      : titled("quarterly performance");
    place(home, measureFlag(exception));
  }

  // Actions, judged overdue as of the meeting's date
  for (const item of items) {
    for (const ref of linked(item, "action")) {
      const action = await findActionSummary(db, Number(ref), meeting.date);
      if (action?.overdue) place(item, actionFlag(action));
    }
  }
  for (const item of items) {
    if (item.standing?.kind !== "open-actions") continue;
    for (const action of item.standing.actions ?? []) if (action.overdue) place(item, actionFlag(action));
  }

  // HMICFRS findings past their target date on the meeting's date
  const pastTarget = (finding: LinkedFinding) =>
    finding.target_date !== null && finding.target_date < meeting.date;
  for (const item of items) {
    const findings = await listOpenFindings(db, linked(item, "finding").map(Number).filter(Number.isInteger));
    for (const finding of findings.filter(pastTarget)) place(item, findingFlag(finding));
  }
  for (const item of items) {
    if (item.standing?.kind !== "hmicfrs") continue;
    for (const finding of (item.standing.findings ?? []).filter(pastTarget))
      place(item, findingFlag(finding));
  }

  // Papers late or missing
  for (const item of items) {
    for (const paper of item.papers) {
      if (paper.timeliness === "late" || paper.timeliness === "missing") place(item, paperFlag(paper));
    }
  }
  return flagged;
}

function measureFlag(exception: MeasureException): Omit<FlaggedException, "itemId"> {
  return {
    kind: exception.kind,
    sourceRef: `measure:${exception.measureId}:${exception.kind}:${exception.period}`,
    figure: exception.figure,
    question: exception.question,
  };
}

function ownersOf(action: ActionSummary): string {
  return action.owners.map((owner) => owner.label).join(", ") || "no owner recorded";
}

function actionFlag(action: ActionSummary): Omit<FlaggedException, "itemId"> {
  const due = formatDate(action.dueDate);
  return {
    kind: "action-overdue",
    sourceRef: `action:${action.id}`,
    figure:
      `Action ${action.reference} (${action.description}), owned by ${ownersOf(action)}, was due on ${due} ` +
      `and is ${action.statusLabel.toLowerCase()}.`,
    question:
      `Action ${action.reference} (owner ${ownersOf(action)}) was due on ${due} and is still ` +
      `${action.statusLabel.toLowerCase()}: what is holding it up, and when will it be completed?`,
  };
}

function findingFlag(finding: LinkedFinding): Omit<FlaggedException, "itemId"> {
  const target = formatDate(finding.target_date);
  const status = findingStatusLabels[finding.status].toLowerCase();
  return {
    kind: "finding-past-target",
    sourceRef: `finding:${finding.id}`,
    figure:
      `HMICFRS ${finding.reference} (${finding.inspection_title}): ${finding.text} Target date ${target}; ` +
      `status ${status}${finding.owner ? `; owner ${finding.owner}` : ""}.`,
    question:
      `HMICFRS ${finding.reference} (${finding.inspection_title}) passed its target date of ${target} and is ` +
      `still ${status}: what is delaying it, and when will it be done?`,
  };
}

function paperFlag(paper: AgendaItem["papers"][number]): Omit<FlaggedException, "itemId"> {
  const deadline = `${formatDate(paper.deadline.slice(0, 10))} at ${paper.deadline.slice(11)}`;
  const what = `The ${paperKindLabels[paper.kind].toLowerCase()} "${paper.description}" from ${paper.provider}`;
  const first = paper.papers[0];
  return paper.timeliness === "late" && first
    ? {
        kind: "paper-late",
        sourceRef: `paper-request:${paper.id}:late`,
        figure: `${what} was due by ${deadline} and arrived late, on ${formatDate(first.uploaded_at)}.`,
        question: `${what} arrived after its deadline of ${deadline}: why was it late, and will the next be on time?`,
      }
    : {
        kind: "paper-missing",
        sourceRef: `paper-request:${paper.id}:missing`,
        figure: `${what} was due by ${deadline} and has not been received.`,
        question: `${what} was due by ${deadline} and has not been received: why not, and when will it be provided?`,
      };
}

async function pendingSuggestion(db: Kysely<Database>, meetingId: number, id: number) {
  const suggestion = await findSuggestion(db, meetingId, id);
  if (!suggestion) throw new NotFoundError(`No suggestion ${id} for this meeting`);
  return suggestion;
}

const alreadyDecided = (suggestion: BriefingSuggestionRow) =>
  new ValidationError([
    // The card, not its text box: a decided suggestion has none.
    { field: `suggestion-${suggestion.id}`, text: `This suggestion has already been ${suggestion.status}` },
  ]);

/** Records the suggestion, in the wording given, as a line of enquiry on its item, with the decision. */
export async function acceptSuggestion(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  id: number,
  text: string,
): Promise<BriefingSuggestionRow> {
  const before = await pendingSuggestion(db, meetingId, id);
  return db.transaction().execute(async (trx) => {
    const line = await addLineOfEnquiry(trx, actor, meetingId, before.meeting_item_id, {
      askedBy: ASKED_BY,
      question: text,
      response: "",
      // Asked, not yet answered: the meeting records the response and the assurance it gives.
      assurance: "further-information-requested",
    });
    const after = await updatePendingSuggestion(trx, id, {
      text,
      status: "accepted",
      line_of_enquiry_id: line.id,
      updated_at: nowIso(),
    });
    if (!after) throw alreadyDecided((await findSuggestion(trx, meetingId, id)) ?? before);
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "briefing_suggestion",
      entityId: id,
      before: { text: before.text, status: before.status },
      after: { text, status: after.status, line_of_enquiry_id: line.id },
    });
    return after;
  });
}

/** Changes the wording of a suggestion still awaiting a decision. */
export async function editSuggestion(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  id: number,
  text: string,
): Promise<BriefingSuggestionRow> {
  return decide(db, actor, meetingId, id, { text });
}

export async function dropSuggestion(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  id: number,
): Promise<BriefingSuggestionRow> {
  return decide(db, actor, meetingId, id, { status: "dropped" });
}

async function decide(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  id: number,
  change: { text?: string; status?: "dropped" },
): Promise<BriefingSuggestionRow> {
  const before = await pendingSuggestion(db, meetingId, id);
  return db.transaction().execute(async (trx) => {
    const after = await updatePendingSuggestion(trx, id, { ...change, updated_at: nowIso() });
    if (!after) throw alreadyDecided((await findSuggestion(trx, meetingId, id)) ?? before);
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "briefing_suggestion",
      entityId: id,
      before: { text: before.text, status: before.status },
      after: { text: after.text, status: after.status },
    });
    return after;
  });
}
