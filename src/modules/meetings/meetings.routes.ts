import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { fileTypeFromBuffer } from "file-type";
import type { Db } from "../../db/database.js";
import { NotFoundError, ValidationError } from "../../lib/errors.js";
import { recordAudit } from "../audit/audit.repository.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { adminOnly, editors, type Access } from "../auth/access.js";
import { renderAgendaDocx, renderAgendaPdf, type DocumentKind } from "./documents.js";
import { isPublic, loadMeetingPage } from "./meeting-page.js";
import { importPublishedMeeting } from "./meetings-import.service.js";
import {
  findDecision,
  findLineOfEnquiry,
  findMeeting,
  findPaper,
  findPaperRequest,
  listAttendees,
  listLinkChoices,
  listMeetings,
  listMeetingTypes,
  listOutstandingPaperRequests,
  listPeopleWithRoles,
  listPublicMeetings,
  listRoleTitles,
  listTemplateItems,
} from "./meetings.repository.js";
import {
  assuranceLabels,
  attendanceLabels,
  attendeeChangeSchema,
  attendeeSchema,
  decisionChangeSchema,
  decisionSchema,
  idParams,
  itemNotesSchema,
  itemLinkSchema,
  itemParams,
  itemRecordParams,
  itemSchema,
  lineOfEnquiryChangeSchema,
  lineOfEnquirySchema,
  meetingDetailsSchema,
  newMeetingSchema,
  outcomeLabels,
  paperKindLabels,
  paperRequestSchema,
  personRoleSchema,
  recordParams,
  statusChangeSchema,
  templateSchema,
  type RecordParams,
} from "./meetings.schema.js";
import {
  addAttendee,
  addDecision,
  addItemLink,
  addLineOfEnquiry,
  addPersonRole,
  changeStatus,
  createMeetingFromTemplate,
  removeItemLink,
  requestPaper,
  updateAttendee,
  updateDecision,
  updateItem,
  updateLineOfEnquiry,
  updateMeetingDetails,
  updateTemplate,
  uploadPaper,
} from "./meetings.service.js";
import { nextStatuses, statusLabels } from "./meetings.status.js";
import { maxPaperBytes, maxPaperLabel, readPaperFile } from "./paper-files.js";
import { acceptFormUploads, type UploadedFile } from "../../lib/form-uploads.js";
import { StaleEditError } from "../../lib/stale-edit.js";

type Form = Record<string, string>;

const labels = { statusLabels, assuranceLabels, outcomeLabels, paperKindLabels, attendanceLabels };
const editorsOnly = { access: editors };
/** Force contributors upload the papers requested of them; OPCC staff may upload on their behalf. */
const uploaders: Access = ["admin", "opcc", "force"];

/** The pasted text, or the uploaded text file when one was chosen; a binary file is refused by name. */
async function importedText(body: Record<string, unknown>): Promise<string> {
  const file = body.file as UploadedFile | undefined;
  if (!file || typeof file !== "object" || file.data.length === 0)
    return typeof body.text === "string" ? body.text : "";
  const text = new TextDecoder("utf-8", { fatal: false }).decode(file.data);
  if (file.truncated || (await fileTypeFromBuffer(file.data)) || text.includes("\u0000")) {
    throw new ValidationError([
      {
        field: "file",
        text: `${file.filename} is not a text file: save the page as text (.txt) or paste its text`,
      },
    ]);
  }
  return text;
}

export const meetingRoutes: FastifyPluginAsync<{ db: Db; uploadDir: string }> = async (
  app,
  { db, uploadDir },
) => {
  await acceptFormUploads(app, { maxFields: 10, maxBytes: maxPaperBytes });

  /** Renders a form page again with its errors, or rethrows what is not a validation problem. */
  async function redisplayOr(
    error: unknown,
    reply: FastifyReply,
    render: (errors: ReturnType<typeof errorView>) => Promise<FastifyReply>,
  ) {
    if (error instanceof ValidationError) return render(errorView(error.fieldErrors));
    throw error;
  }

  app.get("/meetings", { config: { access: "public" } }, async (request, reply) => {
    if (!request.user) {
      return reply.page("meetings/views/public-list.njk", {
        title: "Meetings",
        meetings: await listPublicMeetings(db.kysely),
        statusLabels,
      });
    }
    const canEdit = (editors as readonly string[]).includes(request.user.role);
    return reply.page("meetings/views/list.njk", {
      title: "Meetings",
      meetings: await listMeetings(db.kysely),
      deadlines: await listOutstandingPaperRequests(db.kysely),
      canEdit,
      isAdmin: request.user.role === "admin",
      statusLabels,
      paperKindLabels,
    });
  });

  const typeOptions = async () =>
    (await listMeetingTypes(db.kysely)).map((type) => ({ value: String(type.id), text: type.name }));

  app.get("/meetings/new", { config: editorsOnly }, async (_request, reply) =>
    reply.page("meetings/views/new.njk", {
      title: "Plan a meeting",
      values: {},
      typeOptions: await typeOptions(),
    }),
  );

  app.post<{ Body: Form }>("/meetings", { config: editorsOnly }, async (request, reply) => {
    const redisplay = async (errors: ReturnType<typeof errorView>) =>
      reply.page(
        "meetings/views/new.njk",
        { title: "Plan a meeting", values: request.body, typeOptions: await typeOptions(), ...errors },
        422,
      );
    const form = parseForm(newMeetingSchema, request.body);
    if (!form.ok) return redisplay(errorView(form.errors));
    try {
      const meeting = await createMeetingFromTemplate(db.kysely, request.actor, form.data);
      request.session.flash = `${meeting.title} planned from the template`;
      return reply.redirect(`/meetings/${meeting.id}`);
    } catch (error) {
      return redisplayOr(error, reply, redisplay);
    }
  });

  app.get("/meetings/import", { config: editorsOnly }, async (_request, reply) =>
    reply.page("meetings/views/import.njk", { title: "Import a published agenda or notes", values: {} }),
  );

  app.post<{ Body: Record<string, unknown> }>(
    "/meetings/import",
    { config: editorsOnly },
    async (request, reply) => {
      try {
        const text = await importedText(request.body);
        const { meeting, draft, records } = await importPublishedMeeting(db.kysely, request.actor, text);
        const { summary } = draft;
        const attendees = Object.values(summary.attendees).reduce((sum, count) => sum + count, 0);
        request.session.flash =
          `Imported as a draft: ${attendees} attendees, items ${summary.itemNumbers.join(", ")}` +
          `${draft.nextMeeting ? ", the next meeting" : ""}; ` +
          `${records.actions.length} action(s) raised in the tracker, ${records.decisions.length} decision(s) recorded` +
          `${records.notRecorded.length ? ` (${records.notRecorded.map((line) => `line ${line.line} kept in the notes only: ${line.reason}`).join("; ")})` : ""}. ` +
          `${summary.unrecognised} line(s) not recognised, kept verbatim in the nearest item's notes` +
          `${summary.missing.length ? `; not given: ${summary.missing.join(", ")}` : ""}.`;
        return reply.redirect(`/meetings/${meeting.id}`);
      } catch (error) {
        return redisplayOr(error, reply, async (errors) =>
          reply.page(
            "meetings/views/import.njk",
            { title: "Import a published agenda or notes", values: { text: request.body.text }, ...errors },
            422,
          ),
        );
      }
    },
  );

  app.get("/meetings/types", { config: { access: adminOnly } }, async (_request, reply) => {
    const types = await listMeetingTypes(db.kysely);
    const withItems = await Promise.all(
      types.map(async (type) => ({
        ...type,
        itemsText: (await listTemplateItems(db.kysely, type.id))
          .map((item) => (item.lead ? `${item.title} | ${item.lead}` : item.title))
          .join("\n"),
      })),
    );
    return reply.page("meetings/views/types.njk", { title: "Meeting types", types: withItems });
  });

  app.post<{ Body: Form }>(
    "/meetings/types/:id",
    { config: { access: adminOnly } },
    async (request, reply) => {
      const { id } = idParams.parse(request.params);
      const form = parseForm(templateSchema, request.body);
      if (!form.ok) throw new ValidationError(form.errors);
      await updateTemplate(db.kysely, request.actor, id, form.data.items);
      request.session.flash = "Standing items saved";
      return reply.redirect("/meetings/types");
    },
  );

  const peoplePage = async (reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) =>
    reply.page(
      "meetings/views/people.njk",
      {
        title: "People and roles",
        people: await listPeopleWithRoles(db.kysely),
        roleTitles: await listRoleTitles(db.kysely),
        values: {},
        ...extra,
      },
      status,
    );

  app.get("/meetings/people", { config: editorsOnly }, async (_request, reply) => peoplePage(reply));

  app.post<{ Body: Form }>("/meetings/people/:id/roles", { config: editorsOnly }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const form = parseForm(personRoleSchema, request.body);
    const redisplay = (errors: ReturnType<typeof errorView>) =>
      peoplePage(reply, { values: request.body, personId: id, ...errors }, 422);
    if (!form.ok) return redisplay(errorView(form.errors));
    try {
      await addPersonRole(db.kysely, request.actor, id, form.data);
      request.session.flash = "Role added";
      return reply.redirect("/meetings/people");
    } catch (error) {
      return redisplayOr(error, reply, redisplay);
    }
  });

  /** The meeting page: the working view for signed-in users, the published view for the public. */
  app.get("/meetings/:id", { config: { access: "public" } }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const page = await loadMeetingPage(db.kysely, id, request.user ? "staff" : "public");
    const role = request.user?.role;
    return reply.page("meetings/views/meeting.njk", {
      title: page.meeting.title,
      ...page,
      ...labels,
      audience: request.user ? "staff" : "public",
      canEdit: role === "admin" || role === "opcc",
      canUpload: role === "admin" || role === "opcc" || role === "force",
      transitions: nextStatuses(page.meeting.status).map((status) => ({
        value: status,
        text: statusLabels[status],
      })),
      isPublished: isPublic(page.meeting),
    });
  });

  const detailsPage = async (
    meetingId: number,
    reply: FastifyReply,
    values: Record<string, unknown> | null,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const page = await loadMeetingPage(db.kysely, meetingId, "staff");
    const { meeting } = page;
    const later = (await listMeetings(db.kysely)).filter((other) => other.date > meeting.date);
    return reply.page(
      "meetings/views/edit.njk",
      {
        title: `Change details: ${meeting.title}`,
        meeting,
        values: values ?? {
          periodLabel: meeting.period_label,
          theme: meeting.theme,
          date: meeting.date,
          startTime: meeting.start_time,
          endTime: meeting.end_time,
          venue: meeting.venue,
          chair: page.chair?.name,
          nextMeetingId: meeting.next_meeting_id ? String(meeting.next_meeting_id) : "",
        },
        nextOptions: [
          { value: "", text: "Not yet confirmed" },
          ...later.map((other) => ({ value: String(other.id), text: `${other.title} (${other.date})` })),
        ],
        ...extra,
      },
      status,
    );
  };

  app.get("/meetings/:id/edit", { config: editorsOnly }, async (request, reply) =>
    detailsPage(idParams.parse(request.params).id, reply, null),
  );

  app.post<{ Body: Form }>("/meetings/:id/details", { config: editorsOnly }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const redisplay = (errors: ReturnType<typeof errorView>) =>
      detailsPage(id, reply, request.body, errors, 422);
    const form = parseForm(meetingDetailsSchema, request.body);
    if (!form.ok) return redisplay(errorView(form.errors));
    try {
      await updateMeetingDetails(db.kysely, request.actor, id, form.data);
      request.session.flash = "Meeting details saved";
      return reply.redirect(`/meetings/${id}`);
    } catch (error) {
      return redisplayOr(error, reply, redisplay);
    }
  });

  for (const kind of ["agenda", "notes"] as const satisfies readonly DocumentKind[]) {
    for (const format of ["pdf", "docx"] as const) {
      app.get(`/meetings/:id/${kind}.${format}`, { config: { access: "public" } }, async (request, reply) => {
        const { id } = idParams.parse(request.params);
        // Documents are for publication: they never carry restricted material, whoever downloads them.
        const page = await loadMeetingPage(db.kysely, id, request.user ? "publication" : "public");
        if (!page.showNotes && kind === "notes") throw new NotFoundError("Page not found");
        const body =
          format === "pdf" ? await renderAgendaPdf(page, kind) : await renderAgendaDocx(page, kind);
        return reply
          .type(
            format === "pdf"
              ? "application/pdf"
              : "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          )
          .header("content-disposition", `attachment; filename="meeting-${id}-${kind}.${format}"`)
          .send(body);
      });
    }
  }

  app.post<{ Body: Form }>("/meetings/:id/status", { config: editorsOnly }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const { status } = statusChangeSchema.parse(request.body);
    const meeting = await changeStatus(db.kysely, request.actor, id, status);
    request.session.flash = `The meeting is now: ${statusLabels[meeting.status]}`;
    return reply.redirect(`/meetings/${id}`);
  });

  app.post<{ Body: Form }>("/meetings/:id/attendees", { config: editorsOnly }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const form = parseForm(attendeeSchema, request.body);
    if (!form.ok) throw new ValidationError(form.errors);
    await addAttendee(db.kysely, request.actor, id, form.data);
    request.session.flash = `${form.data.name} added (${attendanceLabels[form.data.kind]})`;
    return reply.redirect(`/meetings/${id}`);
  });

  async function itemPage(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const { id, itemId } = itemParams.parse(request.params);
    const page = await loadMeetingPage(db.kysely, id, "staff");
    const item = page.items.find((candidate) => candidate.id === itemId);
    if (!item) throw new NotFoundError(`No item ${itemId} in meeting ${id}`);
    return reply.page(
      "meetings/views/item.njk",
      {
        title: `Item ${item.number}: ${item.title}`,
        meeting: page.meeting,
        item,
        values: {},
        linkChoices: await listLinkChoices(db.kysely),
        ...labels,
        ...extra,
      },
      status,
    );
  }

  app.get("/meetings/:id/items/:itemId", { config: editorsOnly }, async (request, reply) =>
    itemPage(request, reply),
  );

  /** One handler shape for each of the item page's forms: validate, write, confirm, or redisplay with errors. */
  function itemForm<S extends z.ZodType>(
    path: string,
    schema: S,
    write: (request: FastifyRequest, meetingId: number, itemId: number, data: z.infer<S>) => Promise<string>,
  ) {
    app.post<{ Body: Form }>(
      `/meetings/:id/items/:itemId/${path}`,
      { config: editorsOnly },
      async (request, reply) => {
        const { id, itemId } = itemParams.parse(request.params);
        const redisplay = (errors: ReturnType<typeof errorView>, stale = false) =>
          itemPage(request, reply, { values: request.body, form: path, stale, ...errors }, 422);
        const form = parseForm(schema, request.body);
        if (!form.ok) return redisplay(errorView(form.errors));
        try {
          request.session.flash = await write(request, id, itemId, form.data);
          return reply.redirect(`/meetings/${id}/items/${itemId}`);
        } catch (error) {
          // Someone saved first: the person's text comes back with the current version to compare it with.
          if (error instanceof StaleEditError) return redisplay(errorView(error.fieldErrors), true);
          return redisplayOr(error, reply, redisplay);
        }
      },
    );
  }

  itemForm("notes", itemNotesSchema, async (request, id, itemId, data) => {
    await updateItem(db.kysely, request.actor, id, itemId, { notes_markdown: data.notes }, data.version);
    return "Notes saved";
  });
  itemForm("settings", itemSchema, async (request, id, itemId, data) => {
    const { version, ...change } = data;
    await updateItem(db.kysely, request.actor, id, itemId, change, version);
    return "Item saved";
  });
  itemForm("papers", paperRequestSchema, async (request, id, itemId, data) => {
    const paper = await requestPaper(db.kysely, request.actor, id, itemId, data);
    return `Requested from ${paper.provider}, due ${paper.deadline.replace("T", " at ")}`;
  });
  itemForm("enquiries", lineOfEnquirySchema, async (request, id, itemId, data) => {
    await addLineOfEnquiry(db.kysely, request.actor, id, itemId, data);
    return "Line of enquiry recorded";
  });
  itemForm("decisions", decisionSchema, async (request, id, itemId, data) => {
    const decision = await addDecision(db.kysely, request.actor, id, itemId, data);
    return `Decision ${decision.ref} recorded`;
  });
  itemForm("links", itemLinkSchema, async (request, id, itemId, data) => {
    await addItemLink(db.kysely, request.actor, id, itemId, data);
    return "Link added";
  });

  app.post(
    "/meetings/:id/items/:itemId/links/:recordId/remove",
    { config: editorsOnly },
    async (request, reply) => {
      const { id, itemId, recordId } = itemRecordParams.parse(request.params);
      await removeItemLink(db.kysely, request.actor, id, itemId, recordId);
      request.session.flash = "Link removed";
      return reply.redirect(`/meetings/${id}/items/${itemId}#links`);
    },
  );

  /**
   * A page that changes one record added earlier: shown filled in, saved with the version it was opened at; a
   * refused save comes back with the person's text and, when someone else saved first, the current version.
   */
  function recordEditor<S extends z.ZodType>(options: {
    path: string;
    schema: S;
    load: (
      params: RecordParams,
    ) => Promise<{ values: Record<string, unknown>; page: Record<string, unknown> }>;
    save: (request: FastifyRequest, params: RecordParams, data: z.infer<S>) => Promise<string>;
    back: (params: RecordParams) => string;
  }) {
    const render = async (
      request: FastifyRequest,
      reply: FastifyReply,
      submitted: Record<string, unknown> | null,
      extra: Record<string, unknown> = {},
      status = 200,
    ) => {
      const params = recordParams.parse(request.params);
      const { values, page } = await options.load(params);
      return reply.page(
        "meetings/views/record.njk",
        {
          ...labels,
          ...page,
          values: submitted ?? values,
          formAction: request.url.split("?")[0],
          backHref: options.back(params),
          ...extra,
        },
        status,
      );
    };
    app.get(options.path, { config: editorsOnly }, async (request, reply) => render(request, reply, null));
    app.post<{ Body: Form }>(options.path, { config: editorsOnly }, async (request, reply) => {
      const params = recordParams.parse(request.params);
      const form = parseForm(options.schema, request.body);
      if (!form.ok) return render(request, reply, request.body, errorView(form.errors), 422);
      try {
        request.session.flash = await options.save(request, params, form.data);
        return reply.redirect(options.back(params));
      } catch (error) {
        if (error instanceof StaleEditError) {
          const { values } = await options.load(params);
          const current = { ...request.body, version: values.version };
          return render(request, reply, current, { stale: true, ...errorView(error.fieldErrors) }, 422);
        }
        return redisplayOr(error, reply, (errors) => render(request, reply, request.body, errors, 422));
      }
    });
  }

  const itemAddress = ({ id, itemId }: RecordParams) => `/meetings/${id}/items/${itemId}`;
  const recordOfItem = async <T extends { meeting_item_id: number }>(
    params: RecordParams,
    record: T | undefined,
    what: string,
  ) => {
    const page = await loadMeetingPage(db.kysely, params.id, "staff");
    const item = page.items.find((candidate) => candidate.id === params.itemId);
    if (!item || !record || record.meeting_item_id !== item.id) throw new NotFoundError(`No such ${what}`);
    return { record, caption: `${page.meeting.title}: item ${item.number}, ${item.title}` };
  };

  recordEditor({
    path: "/meetings/:id/items/:itemId/enquiries/:recordId",
    schema: lineOfEnquiryChangeSchema,
    back: itemAddress,
    load: async (params) => {
      const { record, caption } = await recordOfItem(
        params,
        await findLineOfEnquiry(db.kysely, params.recordId),
        "line of enquiry",
      );
      return {
        page: { kind: "enquiry", title: "Change a line of enquiry", caption },
        values: {
          version: String(record.version),
          askedBy: record.asked_by,
          question: record.question,
          response: record.response,
          assurance: record.assurance,
        },
      };
    },
    save: async (request, params, { version, ...input }) => {
      await updateLineOfEnquiry(
        db.kysely,
        request.actor,
        { meetingId: params.id, itemId: params.itemId!, lineId: params.recordId },
        input,
        version,
      );
      return "Line of enquiry saved";
    },
  });

  recordEditor({
    path: "/meetings/:id/items/:itemId/decisions/:recordId",
    schema: decisionChangeSchema,
    back: itemAddress,
    load: async (params) => {
      const { record, caption } = await recordOfItem(
        params,
        await findDecision(db.kysely, params.recordId),
        "decision",
      );
      return {
        page: { kind: "decision", title: `Change decision ${record.ref}`, caption, reference: record.ref },
        values: {
          version: String(record.version),
          purpose: record.purpose,
          outcome: record.outcome,
          amount: record.amount_pence === null ? "" : (record.amount_pence / 100).toFixed(2),
          conditions: record.conditions,
        },
      };
    },
    save: async (request, params, { version, ...input }) => {
      const decision = await updateDecision(
        db.kysely,
        request.actor,
        { meetingId: params.id, itemId: params.itemId!, decisionId: params.recordId },
        input,
        version,
      );
      return `Decision ${decision.ref} saved`;
    },
  });

  recordEditor({
    path: "/meetings/:id/attendees/:recordId",
    schema: attendeeChangeSchema,
    back: ({ id }) => `/meetings/${id}`,
    load: async ({ id, recordId }) => {
      const meeting = await findMeeting(db.kysely, id);
      const attendee = meeting
        ? (await listAttendees(db.kysely, meeting)).find((a) => a.id === recordId)
        : undefined;
      if (!meeting || !attendee) throw new NotFoundError("No such attendee");
      return {
        page: { kind: "attendee", title: `Change attendance: ${attendee.name}`, caption: meeting.title },
        values: { kind: attendee.kind, roleText: attendee.roleText, abbreviation: attendee.abbreviationText },
      };
    },
    save: async (request, { id, recordId }, input) => {
      const attendee = await updateAttendee(db.kysely, request.actor, id, recordId, input);
      return `Attendance saved (${attendanceLabels[attendee.kind]})`;
    },
  });

  const uploadPage = async (
    requestId: number,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const paperRequest = await findPaperRequest(db.kysely, requestId);
    if (!paperRequest) throw new NotFoundError(`No paper request with id ${requestId}`);
    return reply.page(
      "meetings/views/upload.njk",
      { title: "Upload a paper", paperRequest, maxPaperLabel, paperKindLabels, ...extra },
      status,
    );
  };

  app.get("/papers/requests/:id/upload", { config: { access: uploaders } }, async (request, reply) =>
    uploadPage(idParams.parse(request.params).id, reply),
  );

  app.post<{ Body: Record<string, unknown> }>(
    "/papers/requests/:id/upload",
    { config: { access: uploaders } },
    async (request, reply) => {
      const { id } = idParams.parse(request.params);
      const file = request.body?.file;
      const uploaded =
        file && typeof file === "object" && "data" in file ? (file as UploadedFile) : undefined;
      try {
        const { request: paperRequest } = await uploadPaper(
          db.kysely,
          request.actor,
          uploadDir,
          id,
          uploaded,
        );
        request.session.flash = `Paper uploaded for item ${paperRequest.item_number}: ${paperRequest.item_title}`;
        return reply.redirect(`/meetings/${paperRequest.meeting_id}`);
      } catch (error) {
        return redisplayOr(error, reply, (errors) => uploadPage(id, reply, errors, 422));
      }
    },
  );

  /** A paper: restricted ones only to signed-in users; public ones once the meeting's agenda is published. */
  app.get("/papers/:id", { config: { access: "public" } }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const paper = await findPaper(db.kysely, id);
    const publicPaper =
      paper &&
      paper.request_restricted === 0 &&
      paper.item_restricted === 0 &&
      isPublic({ status: paper.meeting_status });
    if (!paper || (!request.user && !publicPaper)) throw new NotFoundError("Page not found");
    const data = await readPaperFile(uploadDir, paper.stored_name);
    // Data protection: who read restricted material is on record as well as who changed it.
    if (paper.request_restricted === 1 || paper.item_restricted === 1)
      await recordAudit(db.kysely, request.actor, {
        action: "read",
        entityType: "paper",
        entityId: paper.id,
      });
    return reply
      .type(paper.media_type)
      .header("content-disposition", `attachment; filename="${encodeURIComponent(paper.original_name)}"`)
      .header("cache-control", publicPaper ? "public, max-age=300" : "private, no-store")
      .send(data);
  });
};
