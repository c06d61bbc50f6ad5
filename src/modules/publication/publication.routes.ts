import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../../db/database.js";
import { ValidationError, type FieldError } from "../../lib/errors.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { StaleEditError } from "../../lib/stale-edit.js";
import { editors } from "../auth/access.js";
import { todayInUk } from "../inspections/deadline.js";
import { labels } from "../inspections/inspections.view.js";
import { renderMarkdown } from "../meetings/markdown.js";
import { listPublicMeetings } from "../meetings/meetings.repository.js";
import { publishFormSchema, statementFormSchema, statementIdParams } from "./publication.schema.js";
import {
  complaintsInformation,
  createStatementDraft,
  latestPeelReport,
  performanceSummary,
  publishStatement,
  saveStatementDraft,
  statementFor,
  statementVersions,
} from "./publication.service.js";
import type { PriorityStatementRow } from "./publication.tables.js";

type Form = { Body: Record<string, string> };

const statementsUrl = "/publications/national-priorities";

export const publicationRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const kysely = db.kysely;
  const publicAccess = { access: "public" } as const;
  const editorsOnly = { access: editors };

  app.get("/publications", { config: publicAccess }, async (request, reply) => {
    const [versions, peel, meetings] = await Promise.all([
      statementVersions(kysely, request.user),
      latestPeelReport(kysely),
      listPublicMeetings(kysely),
    ]);
    return reply.page("publication/views/index.njk", {
      title: "Publications",
      statement: versions.current,
      peel,
      labels,
      publishedMeetings: meetings.length,
    });
  });

  app.get(statementsUrl, { config: publicAccess }, async (request, reply) => {
    const versions = await statementVersions(kysely, request.user);
    return reply.page("publication/views/statement.njk", {
      title: "The national policing priorities: the commissioner's statement",
      statement: versions.current,
      bodyHtml: versions.current ? renderMarkdown(versions.current.body_markdown) : null,
      history: versions.history,
      drafts: versions.drafts,
      mayEdit: isEditor(request.user?.role),
    });
  });

  app.post(`${statementsUrl}/drafts`, { config: editorsOnly }, async (request, reply) => {
    const draft = await createStatementDraft(kysely, request.actor);
    request.session.flash = "Draft generated from the latest figures: check it, write the gaps, then publish";
    return reply.redirect(`${statementsUrl}/${draft.id}/edit`);
  });

  app.get(`${statementsUrl}/:id`, { config: publicAccess }, async (request, reply) => {
    const { id } = statementIdParams.parse(request.params);
    const statement = await statementFor(kysely, id, request.user);
    return reply.page("publication/views/statement.njk", {
      title: statement.status === "draft" ? `Draft: ${statement.title}` : statement.title,
      statement,
      bodyHtml: renderMarkdown(statement.body_markdown),
      version: true,
      mayEdit: isEditor(request.user?.role) && statement.status === "draft",
    });
  });

  /**
   * The draft's editing page. After a save refused because someone else saved first (stale), the person's text
   * comes back with the current version, so saving again is deliberate.
   */
  const editPage = (
    reply: FastifyReply,
    statement: PriorityStatementRow,
    values: { title: string; body: string; publishedOn: string; version: number | string },
    errors: FieldError[] = [],
    stale = false,
  ) =>
    reply.page(
      "publication/views/edit.njk",
      { title: `Edit the draft statement`, statement, values, stale, ...errorView(errors) },
      errors.length ? 422 : 200,
    );

  const statementOf = (request: FastifyRequest) =>
    statementFor(kysely, statementIdParams.parse(request.params).id, request.user);

  /** A refused save or publish: the page again; when someone else saved first, with the current version. */
  const refused = async (
    request: FastifyRequest,
    reply: FastifyReply,
    statement: PriorityStatementRow,
    error: ValidationError,
    values: { title: string; body: string; publishedOn: string; version: number | string },
  ) => {
    if (!(error instanceof StaleEditError)) return editPage(reply, statement, values, error.fieldErrors);
    const current = await statementOf(request);
    return editPage(reply, current, { ...values, version: current.version }, error.fieldErrors, true);
  };

  app.get(`${statementsUrl}/:id/edit`, { config: editorsOnly }, async (request, reply) => {
    const statement = await statementFor(kysely, statementIdParams.parse(request.params).id, request.user);
    if (statement.status !== "draft") return reply.redirect(`${statementsUrl}/${statement.id}`);
    return editPage(reply, statement, {
      title: statement.title,
      body: statement.body_markdown,
      publishedOn: todayInUk(),
      version: statement.version,
    });
  });

  app.post<Form>(`${statementsUrl}/:id/edit`, { config: editorsOnly }, async (request, reply) => {
    const statement = await statementOf(request);
    const values = { title: "", body: "", publishedOn: todayInUk(), version: "", ...request.body };
    const form = parseForm(statementFormSchema, request.body);
    if (!form.ok) return editPage(reply, statement, values, form.errors);
    try {
      await saveStatementDraft(kysely, request.actor, statement.id, form.data);
    } catch (error) {
      if (error instanceof ValidationError) return refused(request, reply, statement, error, values);
      throw error;
    }
    request.session.flash = "Draft saved";
    return reply.redirect(`${statementsUrl}/${statement.id}/edit`);
  });

  app.post<Form>(`${statementsUrl}/:id/publish`, { config: editorsOnly }, async (request, reply) => {
    const statement = await statementOf(request);
    // The text shown is the saved draft's; the version stays the one the publisher read.
    const values = {
      title: statement.title,
      body: statement.body_markdown,
      publishedOn: request.body?.publishedOn ?? "",
      version: request.body?.version ?? "",
    };
    const form = parseForm(publishFormSchema, request.body);
    if (!form.ok) return editPage(reply, statement, values, form.errors);
    try {
      await publishStatement(kysely, request.actor, statement.id, form.data);
    } catch (error) {
      if (error instanceof ValidationError) return refused(request, reply, statement, error, values);
      throw error;
    }
    request.session.flash = "Statement published";
    return reply.redirect(`${statementsUrl}/${statement.id}`);
  });

  app.get("/publications/complaints", { config: publicAccess }, async (_request, reply) => {
    const information = await complaintsInformation(kysely);
    return reply.page("publication/views/complaints.njk", {
      title: "Complaints: information and how the commissioner holds the chief constable to account",
      ...information,
    });
  });

  app.get("/publications/performance", { config: publicAccess }, async (_request, reply) => {
    const summary = await performanceSummary(kysely);
    return reply.page("publication/views/performance.njk", {
      title: summary.quarter ? `Performance summary: ${summary.quarter.name}` : "Performance summary",
      summary,
    });
  });
};

function isEditor(role: string | undefined): boolean {
  return role !== undefined && (editors as readonly string[]).includes(role);
}
