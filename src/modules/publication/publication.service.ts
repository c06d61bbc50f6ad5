/**
 * The PCC's statutory publications (Elected Local Policing Bodies (Specified Information) Order 2011, as
 * amended): 7A the statement on the force's contribution to the national policing priorities, 7B the latest
 * PEEL report, 7C complaints information; and the public performance summary for the latest complete quarter.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { NotFoundError, ValidationError } from "../../lib/errors.js";
import { nowIso } from "../../lib/time.js";
import {
  describePeriod,
  formatPeriod,
  periodContaining,
  periodDates,
  previousPeriod,
  type Period,
} from "../../stats/periods.js";
import type { Actor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import type { CurrentUser } from "../auth/access.js";
import { todayInUk } from "../inspections/deadline.js";
import { latestPeelComparison, listPublishedResponses } from "../inspections/inspections.repository.js";
import { listMeasures } from "../measures/measures.repository.js";
import { HOME_FORCE_ID, nationalPriorities, type NationalPriority } from "../measures/measures.schema.js";
import { measureSeries } from "../measures/measures.service.js";
import type { MeasureRow } from "../measures/measures.tables.js";
import type { MeasureSeries } from "../measures/series.js";
import { notesArePublic } from "../meetings/meetings.status.js";
import { headlineFigure, type HeadlineFigure } from "./headline.js";
import {
  findStatement,
  insertStatement,
  listComplaintsItems,
  listComplaintsLinesOfEnquiry,
  listDraftStatements,
  listPublishedStatements,
  updateStatement,
} from "./publication.repository.js";
import {
  COMPLAINTS_TERM,
  PLACEHOLDER_START,
  STATEMENT_TITLE,
  type PublishForm,
  type StatementForm,
} from "./publication.schema.js";
import type { PriorityStatementRow } from "./publication.tables.js";
import { savedAtVersion, staleMessages } from "../../lib/stale-edit.js";

const priorityIds = Object.keys(nationalPriorities) as NationalPriority[];

/** Drafts are for the office and the panel; the public sees published versions only. */
export function maySeeDrafts(user: CurrentUser | null): boolean {
  return user !== null && ["admin", "opcc", "panel"].includes(user.role);
}

// ---------------------------------------------------------------------------------------------
// 7A: the statement on the national priorities

export interface PriorityFigures {
  id: NationalPriority;
  title: string;
  figures: HeadlineFigure[];
}

/** Every catalogued measure of each national priority with its latest figures, for the office's draft. */
export async function nationalPriorityFigures(db: Kysely<Database>): Promise<PriorityFigures[]> {
  const measures = await listMeasures(db, { publishedOnly: false });
  return Promise.all(
    priorityIds.map(async (id) => ({
      id,
      title: nationalPriorities[id],
      figures: await Promise.all(
        measures
          .filter((measure) => measure.national_priority === id)
          .map(async (measure) =>
            headlineFigure(await measureSeries(db, measure, { area: HOME_FORCE_ID }), { chart: false }),
          ),
      ),
    })),
  );
}

const placeholder = (what: string) => `${PLACEHOLDER_START} ${what}]`;

/** The draft's text (Markdown): each priority with its measures' latest figures and a sentence on each. */
export function statementMarkdown(input: { forceName: string; priorities: PriorityFigures[] }): {
  body: string;
  figuresTo: string | null;
} {
  const cited = input.priorities.flatMap((priority) => priority.figures).filter((f) => f.value !== null);
  const latest = cited.reduce<HeadlineFigure | null>(
    (a, b) => (a === null || (b.periodEnd ?? "") > (a.periodEnd ?? "") ? b : a),
    null,
  );
  const lines = [
    `The Police and Crime Commissioner publishes this statement on how ${input.forceName} is contributing to ` +
      `the government's national priorities for policing, as the Elected Local Policing Bodies (Specified ` +
      `Information) Order 2011 requires.` +
      (latest ? ` The figures are the latest held, to ${latest.period}.` : ""),
  ];
  if (cited.some((figure) => figure.sample)) {
    lines.push(
      "",
      "SAMPLE: figures marked SAMPLE come from sample force returns invented for the demonstration; they are " +
        "not real figures of any force.",
    );
  }
  for (const priority of input.priorities) {
    lines.push("", `## ${priority.title}`, "");
    const withFigures = priority.figures.filter((figure) => figure.value !== null);
    if (withFigures.length === 0) {
      lines.push("No measure of this priority holds figures yet.");
    } else {
      for (const figure of withFigures) {
        const sample = figure.sample ? " (SAMPLE figure)" : "";
        const change = figure.change ? ` ${figure.change}` : "";
        lines.push(`- ${figure.name}: **${figure.value}** in ${figure.period}${sample}.${change}`);
      }
    }
    lines.push(
      "",
      placeholder(
        "what the force is doing on this priority, and how the commissioner holds the chief constable to account for it.",
      ),
    );
  }
  return { body: lines.join("\n"), figuresTo: latest?.period ?? null };
}

export async function generateStatementDraft(db: Kysely<Database>): Promise<{
  body: string;
  figuresTo: string | null;
}> {
  const priorities = await nationalPriorityFigures(db);
  const forceName = await homeForceName(db);
  return statementMarkdown({ forceName, priorities });
}

async function homeForceName(db: Kysely<Database>): Promise<string> {
  const force = await db
    .selectFrom("crime_forces")
    .select("name")
    .where("id", "=", HOME_FORCE_ID)
    .executeTakeFirst();
  return force?.name ?? "the force";
}

/** A new draft, generated from the latest figures. */
export async function createStatementDraft(
  db: Kysely<Database>,
  actor: Actor,
  text?: { title: string; body: string; figuresTo: string | null },
): Promise<PriorityStatementRow> {
  const draft = text ?? { title: STATEMENT_TITLE, ...(await generateStatementDraft(db)) };
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const row = await insertStatement(trx, {
      title: draft.title,
      body_markdown: draft.body,
      figures_to: draft.figuresTo,
      status: "draft",
      published_on: null,
      published_at: null,
      created_by: actor.label,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, actor, {
      action: "create",
      entityType: "priority-statement",
      entityId: row.id,
      after: row,
    });
    return row;
  });
}

async function draftForChange(db: Kysely<Database>, id: number): Promise<PriorityStatementRow> {
  const statement = await findStatement(db, id);
  if (!statement) throw new NotFoundError(`No statement ${id}`);
  if (statement.status !== "draft") {
    throw new ValidationError([
      {
        field: "form",
        text: "A published statement is kept as it was published: start a new draft to change it",
      },
    ]);
  }
  return statement;
}

export function saveStatementDraft(
  db: Kysely<Database>,
  actor: Actor,
  id: number,
  form: StatementForm,
): Promise<PriorityStatementRow> {
  return db.transaction().execute(async (trx) => {
    const before = await draftForChange(trx, id);
    const after = savedAtVersion(
      await updateStatement(
        trx,
        id,
        { title: form.title, body_markdown: form.body, updated_at: nowIso() },
        form.version,
      ),
      "body",
      staleMessages.statement,
    );
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "priority-statement",
      entityId: id,
      before: { title: before.title, body_markdown: before.body_markdown },
      after: { title: after.title, body_markdown: after.body_markdown },
    });
    return after;
  });
}

/** Publishes a draft with its date; refused while a "[To write: …]" gap remains. */
export function publishStatement(
  db: Kysely<Database>,
  actor: Actor,
  id: number,
  form: PublishForm,
): Promise<PriorityStatementRow> {
  return db.transaction().execute(async (trx) => {
    const before = await draftForChange(trx, id);
    const gaps = before.body_markdown.split(PLACEHOLDER_START).length - 1;
    if (gaps > 0) {
      throw new ValidationError([
        {
          field: "form",
          text: `The statement still has ${gaps} gap${gaps === 1 ? "" : "s"} marked "${PLACEHOLDER_START}": write ${gaps === 1 ? "it" : "them"} before publishing`,
        },
      ]);
    }
    const now = nowIso();
    const after = savedAtVersion(
      await updateStatement(
        trx,
        id,
        { status: "published", published_on: form.publishedOn, published_at: now, updated_at: now },
        form.version,
      ),
      "publishedOn",
      staleMessages.statement,
    );
    await recordAudit(trx, actor, {
      action: "publish",
      entityType: "priority-statement",
      entityId: id,
      before: { status: before.status, published_on: before.published_on },
      after: { status: after.status, published_on: after.published_on },
    });
    return after;
  });
}

/** One version, as the reader may see it: a draft does not exist for the public. */
export async function statementFor(
  db: Kysely<Database>,
  id: number,
  user: CurrentUser | null,
): Promise<PriorityStatementRow> {
  const statement = await findStatement(db, id);
  if (!statement || (statement.status === "draft" && !maySeeDrafts(user))) throw new NotFoundError();
  return statement;
}

export async function statementVersions(db: Kysely<Database>, user: CurrentUser | null) {
  const [published, drafts] = await Promise.all([
    listPublishedStatements(db),
    maySeeDrafts(user) ? listDraftStatements(db) : Promise.resolve([]),
  ]);
  return { current: published[0] ?? null, history: published.slice(1), drafts };
}

// ---------------------------------------------------------------------------------------------
// 7B: the latest PEEL report

export async function latestPeelReport(db: Kysely<Database>) {
  const peel = await latestPeelComparison(db);
  if (!peel) return null;
  const response = (await listPublishedResponses(db)).find((r) => r.inspection_id === peel.latest.id) ?? null;
  return { ...peel, response };
}

// ---------------------------------------------------------------------------------------------
// 7C: complaints

/** The catalogue's complaints and conduct measures. */
const isComplaintsMeasure = (measure: MeasureRow) =>
  measure.id.startsWith("complaints.") || measure.id.startsWith("conduct.");

/** Paragraphs of published notes that mention complaints, as they were written. */
function complaintsParagraphs(notes: string): string[] {
  return notes
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.toLowerCase().includes(COMPLAINTS_TERM));
}

export async function complaintsInformation(db: Kysely<Database>) {
  const measures = (await listMeasures(db, { publishedOnly: true })).filter(isComplaintsMeasure);
  const figures = await Promise.all(
    measures.map(async (measure) =>
      headlineFigure(await measureSeries(db, measure, { area: HOME_FORCE_ID }), { chart: true }),
    ),
  );
  const items = await listComplaintsItems(db);
  const lines = await listComplaintsLinesOfEnquiry(
    db,
    items.map((item) => item.item_id),
  );
  const meetings = new Map<
    number,
    {
      id: number;
      title: string;
      date: string;
      items: { number: number; title: string; paragraphs: string[] }[];
      linesOfEnquiry: typeof lines;
    }
  >();
  const meetingOf = (row: { meeting_id: number; meeting_title: string; meeting_date: string }) => {
    const known = meetings.get(row.meeting_id);
    if (known) return known;
    const created = {
      id: row.meeting_id,
      title: row.meeting_title,
      date: row.meeting_date,
      items: [],
      linesOfEnquiry: [],
    };
    meetings.set(row.meeting_id, created);
    return created;
  };
  for (const item of items) {
    meetingOf(item).items.push({
      number: item.item_number,
      title: item.item_title,
      paragraphs: notesArePublic(item.meeting_status) ? complaintsParagraphs(item.notes_markdown) : [],
    });
  }
  for (const line of lines) meetingOf(line).linesOfEnquiry.push(line);
  return {
    figures,
    meetings: [...meetings.values()].sort((a, b) => b.date.localeCompare(a.date)),
  };
}

// ---------------------------------------------------------------------------------------------
// The public performance summary

/**
 * The latest financial quarter that has ended, by today and by the figures held: the quarter of the latest
 * figure if the figure closes it, otherwise the quarter before.
 */
export function latestCompleteQuarter(latestFigureEnd: string, today: string): Period {
  const end = latestFigureEnd < today ? latestFigureEnd : today;
  const quarter = periodContaining("financialQuarter", end);
  return periodDates(quarter).end <= end ? quarter : previousPeriod(quarter);
}

export interface PerformanceSummary {
  quarter: { name: string; months: string } | null;
  national: PriorityFigures[];
  plan: { priority: string; figures: HeadlineFigure[] }[];
}

/** The published headline measures (national priorities and the police and crime plan), to the latest complete quarter. */
export async function performanceSummary(
  db: Kysely<Database>,
  today = todayInUk(),
): Promise<PerformanceSummary> {
  const measures = (await listMeasures(db, { publishedOnly: true })).filter(
    (measure) => measure.national_priority !== null || measure.local_priority !== null,
  );
  const series = await Promise.all(measures.map((m) => measureSeries(db, m, { area: HOME_FORCE_ID })));
  const latestEnd = series
    .map((s) => s.points[s.points.length - 1]?.periodEnd ?? "")
    .reduce((a, b) => (b > a ? b : a), "");
  if (latestEnd === "") return { quarter: null, national: [], plan: [] };
  const quarter = latestCompleteQuarter(latestEnd, today);
  const quarterEnd = periodDates(quarter).end;
  // A series running past the quarter is read again to its end, so its change and SPC are as at the quarter.
  const toQuarter = await Promise.all(
    series.map(async (s): Promise<MeasureSeries> =>
      (s.points[s.points.length - 1]?.periodEnd ?? "") > quarterEnd
        ? measureSeries(db, s.measure, { area: HOME_FORCE_ID, to: quarterEnd })
        : s,
    ),
  );
  const figures = toQuarter.map((s) => ({
    measure: s.measure,
    figure: headlineFigure(s, { chart: true }),
  }));
  const planPriorities = [
    ...new Set(
      figures
        .filter((f) => f.measure.national_priority === null)
        .map((f) => f.measure.local_priority as string),
    ),
  ].sort();
  return {
    quarter: { name: formatPeriod(quarter), months: describePeriod(quarter) },
    national: priorityIds.map((id) => ({
      id,
      title: nationalPriorities[id],
      figures: figures.filter((f) => f.measure.national_priority === id).map((f) => f.figure),
    })),
    plan: planPriorities.map((priority) => ({
      priority,
      figures: figures
        .filter((f) => f.measure.national_priority === null && f.measure.local_priority === priority)
        .map((f) => f.figure),
    })),
  };
}
