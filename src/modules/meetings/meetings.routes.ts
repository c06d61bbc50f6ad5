import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { fileTypeFromBuffer } from "file-type";
import type { Db } from "../../db/database.js";
import { NotFoundError, ValidationError } from "../../lib/errors.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { adminOnly, editors, type Access } from "../auth/access.js";
import { renderAgendaDocx, renderAgendaPdf, type DocumentKind } from "./documents.js";
import { isPublic, loadMeetingPage } from "./meeting-page.js";
import { importPublishedMeeting } from "./meetings-import.service.js";
import {
  findPaper,
  findPaperRequest,
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
  attendeeSchema,
  decisionSchema,
  idParams,
  itemNotesSchema,
  itemParams,
  itemSchema,
  lineOfEnquirySchema,
  meetingDetailsSchema,
  newMeetingSchema,
  outcomeLabels,
  paperKindLabels,
  paperRequestSchema,
  personRoleSchema,
  statusChangeSchema,
  templateSchema,
} from "./meetings.schema.js";
import {
  addAttendee,
  addDecision,
  addLineOfEnquiry,
  addPersonRole,
  changeStatus,
  createMeetingFromTemplate,
  requestPaper,
  updateItem,
  updateMeetingDetails,
  updateTemplate,
  uploadPaper,
} from "./meetings.service.js";
import { nextStatuses, statusLabels } from "./meetings.status.js";
import { acceptFormUploads, maxPaperLabel, readPaperFile, type UploadedFile } from "./paper-files.js";

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
  await acceptFormUploads(app, 10);

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
        const { meeting, draft } = await importPublishedMeeting(db.kysely, request.actor, text);
        const { summary } = draft;
        const attendees = Object.values(summary.attendees).reduce((sum, count) => sum + count, 0);
        request.session.flash =
          `Imported as a draft: ${attendees} attendees, items ${summary.itemNumbers.join(", ")}` +
          `${draft.nextMeeting ? ", the next meeting" : ""}. ` +
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
        const redisplay = (errors: ReturnType<typeof errorView>) =>
          itemPage(request, reply, { values: request.body, form: path, ...errors }, 422);
        const form = parseForm(schema, request.body);
        if (!form.ok) return redisplay(errorView(form.errors));
        try {
          request.session.flash = await write(request, id, itemId, form.data);
          return reply.redirect(`/meetings/${id}/items/${itemId}`);
        } catch (error) {
          return redisplayOr(error, reply, redisplay);
        }
      },
    );
  }

  itemForm("notes", itemNotesSchema, async (request, id, itemId, data) => {
    await updateItem(db.kysely, request.actor, id, itemId, { notes_markdown: data.notes });
    return "Notes saved";
  });
  itemForm("settings", itemSchema, async (request, id, itemId, data) => {
    await updateItem(db.kysely, request.actor, id, itemId, data);
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
    return reply
      .type(paper.media_type)
      .header("content-disposition", `attachment; filename="${encodeURIComponent(paper.original_name)}"`)
      .header("cache-control", publicPaper ? "public, max-age=300" : "private, no-store")
      .send(data);
  });
};
