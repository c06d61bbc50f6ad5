import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { ForbiddenError, NotFoundError, ValidationError, type FieldError } from "../../lib/errors.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { editors } from "../auth/access.js";
import { todayInUk } from "../inspections/deadline.js";
import {
  listMeetings,
  listOutstandingPaperRequests,
  listPublicMeetings,
} from "../meetings/meetings.repository.js";
import { maxPaperBytes, maxPaperLabel, readPaperFile } from "../meetings/paper-files.js";
import { acceptFormUploads, chosenFile } from "../../lib/form-uploads.js";
import { StaleEditError } from "../../lib/stale-edit.js";
import { actionStatuses, statusLabels, statusTagClasses } from "./action-rules.js";
import {
  actionThemes,
  findActionSummary,
  findEvidenceFile,
  findMeetingItemRef,
  listActions,
  meetingsWithActions,
  ownerChoices,
  previousMeeting,
  reviewingMeetings,
  updatesAfter,
  updatesOf,
  type ActionSummary,
} from "./actions.repository.js";
import {
  actionUpdateSchema,
  closeActionSchema,
  newActionSchema,
  trackerFilterSchema,
} from "./actions.schema.js";
import {
  actionForUpdate,
  closeAction,
  createAction,
  updateAction,
  type ActionEditor,
} from "./actions.service.js";
import { buildCalendar } from "./calendar.js";

type Form = Record<string, string | string[] | undefined>;

const idParams = z.object({ id: z.coerce.number().int().positive() });
const newActionQuery = z.object({ item: z.coerce.number().int().positive().optional().catch(undefined) });
const statusOptions = actionStatuses.map((status) => ({ value: status, text: statusLabels[status] }));
const updatableStatuses = statusOptions.filter((option) => option.value !== "closed");

function editorOf(request: FastifyRequest): ActionEditor {
  if (!request.user) throw new ForbiddenError();
  return { actor: request.actor, userId: request.user.id, role: request.user.role };
}

const isEditor = (request: FastifyRequest) => request.user?.role === "admin" || request.user?.role === "opcc";

/** Counts by status, and overdue, for the tracker's summary line. */
function countsOf(actions: ActionSummary[]) {
  return {
    total: actions.length,
    overdue: actions.filter((a) => a.overdue).length,
    byStatus: statusOptions.map((option) => ({
      ...option,
      count: actions.filter((a) => a.status === option.value).length,
    })),
  };
}

export const actionRoutes: FastifyPluginAsync<{ db: Db; uploadDir: string }> = async (
  app,
  { db, uploadDir },
) => {
  await acceptFormUploads(app, { maxFields: 20, maxBytes: maxPaperBytes });
  const view = { statusLabels, statusTagClasses };

  app.get("/actions", { config: { access: "signed-in" } }, async (request, reply) => {
    const filter = trackerFilterSchema.parse(request.query);
    const day = todayInUk();
    const [actions, meetings, themes, lastMeeting] = await Promise.all([
      listActions(
        db.kysely,
        {
          owner: filter.owner,
          status: filter.status,
          overdue: filter.overdue,
          meetingId: filter.meeting,
          theme: filter.theme,
          ownedByUserId: filter.mine ? request.user?.id : undefined,
        },
        day,
      ),
      meetingsWithActions(db.kysely),
      actionThemes(db.kysely),
      previousMeeting(db.kysely, day),
    ]);
    return reply.page("actions/views/tracker.njk", {
      ...view,
      title: "Actions",
      actions,
      counts: countsOf(actions),
      filter,
      statusOptions,
      meetings,
      themes,
      lastMeeting,
      canCreate: isEditor(request),
    });
  });

  app.get("/actions/changes", { config: { access: "signed-in" } }, async (_request, reply) => {
    const lastMeeting = await previousMeeting(db.kysely, todayInUk());
    const updates = lastMeeting ? await updatesAfter(db.kysely, lastMeeting.date) : [];
    return reply.page("actions/views/changes.njk", {
      ...view,
      title: "Changes since the last meeting",
      lastMeeting,
      updates,
    });
  });

  const renderNew = async (reply: FastifyReply, values: Form, errors: FieldError[] = []) => {
    const itemId = Number(values.meetingItemId) || undefined;
    const [item, choices] = await Promise.all([
      itemId ? findMeetingItemRef(db.kysely, itemId) : undefined,
      ownerChoices(db.kysely),
    ]);
    const selected = (field: string) => new Set([values[field] ?? []].flat().map(String));
    return reply.page(
      "actions/views/new.njk",
      {
        title: "Raise an action",
        values,
        item,
        choices,
        selectedPeople: [...selected("ownerPeople")],
        selectedUsers: [...selected("ownerUsers")],
        ...errorView(errors),
      },
      errors.length ? 422 : 200,
    );
  };

  app.get("/actions/new", { config: { access: editors } }, async (request, reply) => {
    const { item } = newActionQuery.parse(request.query);
    return renderNew(reply, { meetingItemId: item ? String(item) : undefined, raisedOn: todayInUk() });
  });

  app.post<{ Body: Form }>("/actions", { config: { access: editors } }, async (request, reply) => {
    const form = parseForm(newActionSchema, request.body);
    if (!form.ok) return renderNew(reply, request.body, form.errors);
    try {
      const action = await createAction(db.kysely, editorOf(request), form.data);
      request.session.flash = `Action ${action.year}/${action.number} raised`;
      return reply.redirect(`/actions/${action.id}`);
    } catch (error) {
      if (error instanceof ValidationError) return renderNew(reply, request.body, error.fieldErrors);
      throw error;
    }
  });

  const loadAction = async (id: number) => {
    const action = await findActionSummary(db.kysely, id, todayInUk());
    if (!action) throw new NotFoundError("No such action");
    return action;
  };

  app.get("/actions/:id", { config: { access: "signed-in" } }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const action = await loadAction(id);
    const updates = await updatesOf(db.kysely, id);
    const canUpdate = await actionForUpdate(db.kysely, editorOf(request), id).then(
      () => true,
      () => false,
    );
    return reply.page("actions/views/action.njk", {
      ...view,
      title: `Action ${action.reference}`,
      action,
      updates,
      // A closed action is reopened only by the OPCC.
      canUpdate: canUpdate && (action.status !== "closed" || isEditor(request)),
      canClose: isEditor(request) && action.status !== "closed",
    });
  });

  const renderUpdate = async (
    reply: FastifyReply,
    id: number,
    values: Form,
    errors: FieldError[] = [],
    stale = false,
  ) => {
    const action = await loadAction(id);
    const updates = await updatesOf(db.kysely, id);
    return reply.page(
      "actions/views/update.njk",
      {
        ...view,
        title: `Update action ${action.reference}`,
        action,
        updates,
        // A stale save is shown again at the current version: the person now sees what changed.
        values: { ...values, version: String(action.version) },
        stale,
        statusOptions: updatableStatuses,
        maxPaperLabel,
        ...errorView(errors),
      },
      errors.length ? 422 : 200,
    );
  };

  const updaters = { access: [...editors, "force"] as const };

  app.get("/actions/:id/update", { config: updaters }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const action = await actionForUpdate(db.kysely, editorOf(request), id);
    return renderUpdate(reply, id, { status: action.status, updatedOn: todayInUk() });
  });

  app.post<{ Body: Record<string, unknown> }>(
    "/actions/:id/update",
    { config: updaters },
    async (request, reply) => {
      const { id } = idParams.parse(request.params);
      await actionForUpdate(db.kysely, editorOf(request), id);
      const { file: _file, ...fields } = request.body;
      const values = fields as Form;
      const form = parseForm(actionUpdateSchema, values);
      if (!form.ok) return renderUpdate(reply, id, values, form.errors);
      const file = chosenFile(request.body);
      try {
        const action = await updateAction(
          db.kysely,
          editorOf(request),
          id,
          form.data,
          file ? { directory: uploadDir, file } : undefined,
        );
        request.session.flash = `Action ${action.year}/${action.number} updated`;
        return reply.redirect(`/actions/${id}`);
      } catch (error) {
        if (error instanceof ValidationError) {
          return renderUpdate(reply, id, values, error.fieldErrors, error instanceof StaleEditError);
        }
        throw error;
      }
    },
  );

  /** Evidence attached to an update, for anyone signed in (actions are not published). */
  app.get("/actions/evidence/:id", { config: { access: "signed-in" } }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const update = await findEvidenceFile(db.kysely, id);
    if (!update) throw new NotFoundError("No such file");
    const data = await readPaperFile(uploadDir, update.storedName);
    return reply
      .type(update.mediaType)
      .header("content-disposition", `attachment; filename="${encodeURIComponent(update.fileName)}"`)
      .header("cache-control", "private, no-store")
      .send(data);
  });

  const renderClose = async (
    reply: FastifyReply,
    id: number,
    values: Form,
    errors: FieldError[] = [],
    stale = false,
  ) => {
    const [action, updates, meetings] = await Promise.all([
      loadAction(id),
      updatesOf(db.kysely, id),
      reviewingMeetings(db.kysely),
    ]);
    const day = todayInUk();
    return reply.page(
      "actions/views/close.njk",
      {
        ...view,
        title: `Close action ${action.reference}`,
        action,
        updates,
        meetings: meetings.filter((meeting) => meeting.date <= day),
        values: { ...values, version: String(action.version) },
        stale,
        ...errorView(errors),
      },
      errors.length ? 422 : 200,
    );
  };

  app.get("/actions/:id/close", { config: { access: editors } }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    return renderClose(reply, id, {});
  });

  app.post<{ Body: Form }>("/actions/:id/close", { config: { access: editors } }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const form = parseForm(closeActionSchema, request.body);
    if (!form.ok) return renderClose(reply, id, request.body, form.errors);
    try {
      const action = await closeAction(db.kysely, editorOf(request), id, form.data, todayInUk());
      request.session.flash = `Action ${action.year}/${action.number} closed`;
      return reply.redirect(`/actions/${id}`);
    } catch (error) {
      if (error instanceof ValidationError) {
        return renderClose(reply, id, request.body, error.fieldErrors, error instanceof StaleEditError);
      }
      throw error;
    }
  });

  // The calendar feeds: the public's has the meetings it may read; signed in, every meeting and paper deadline.
  app.get("/calendar.ics", { config: { access: "public" } }, async (_request, reply) => {
    const calendar = buildCalendar("Scrutineer meetings", await listPublicMeetings(db.kysely));
    return reply.type("text/calendar; charset=utf-8").send(calendar.toString());
  });

  app.get("/calendar/private.ics", { config: { access: "signed-in" } }, async (_request, reply) => {
    const [meetings, deadlines] = await Promise.all([
      listMeetings(db.kysely),
      listOutstandingPaperRequests(db.kysely),
    ]);
    const calendar = buildCalendar("Scrutineer meetings and paper deadlines", meetings, deadlines);
    return reply
      .type("text/calendar; charset=utf-8")
      .header("cache-control", "private, no-store")
      .send(calendar.toString());
  });
};
