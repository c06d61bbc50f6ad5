import { readFile } from "node:fs/promises";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { fileTypeFromBuffer } from "file-type";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { NotFoundError, ValidationError, type FieldError } from "../../lib/errors.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { fromRoot } from "../../lib/paths.js";
import { editors } from "../auth/access.js";
import { maxPaperBytes, maxPaperLabel, readPaperFile } from "../meetings/paper-files.js";
import { acceptFormUploads, chosenFile, type UploadedFile } from "../../lib/form-uploads.js";
import { StaleEditError } from "../../lib/stale-edit.js";
import { todayInUk } from "./deadline.js";
import { progressReporters, statusesReachable } from "./finding-status.js";
import { formatImportErrors, importInspections, parseInspectionsCsv } from "./inspections.import.js";
import {
  countByStatus,
  findFinding,
  findInspection,
  findResponse,
  findUpdate,
  latestPeelComparison,
  listFindingsOfInspection,
  listGrades,
  listInspections,
  listLinks,
  listPublishedResponses,
  listRegister,
  listResponseItems,
  listStatusChanges,
  listUpdates,
} from "./inspections.repository.js";
import {
  assessmentLabels,
  assessments,
  closedByOptions,
  findingKinds,
  findingChangeSchema,
  findingSchema,
  findingStatuses,
  gradeSchema,
  grades,
  inspectionKinds,
  inspectionChangeSchema,
  inspectionSchema,
  linkSchema,
  rags,
  registerFilterSchema,
  publishResponseSchema,
  responseSchema,
  transitionSchema,
  updateSchema,
  assessmentSchema,
} from "./inspections.schema.js";
import {
  addFindingLink,
  addProgressUpdate,
  assessUpdate,
  changeFindingStatus,
  createFinding,
  createInspection,
  draftResponse,
  publishResponse,
  saveResponse,
  setGrade,
  updateFindingDetails,
  updateInspectionDetails,
} from "./inspections.service.js";
import type { FindingRow, InspectionRow } from "./inspections.tables.js";
import { canEdit, canReportProgress, deadlineView, isOverdue, labels } from "./inspections.view.js";

const idParams = z.object({ id: z.coerce.number().int().positive() });
type Form = { Body: Record<string, string> };

/** CSV files are small; anything bigger than this is not an inspections register. */
const maxImportBytes = 1024 * 1024;

/** The form's fields without its file, and the file unless none was chosen (browsers then send an empty part). */
function splitUpload(body: Record<string, unknown> | undefined): {
  fields: Record<string, string>;
  file?: UploadedFile;
} {
  const { file: _file, ...fields } = body ?? {};
  const chosen = chosenFile(body);
  return { fields: fields as Record<string, string>, ...(chosen ? { file: chosen } : {}) };
}

const options = <T extends string>(values: readonly T[], names: Record<T, string>) =>
  values.map((value) => ({ value, text: names[value] }));

export const inspectionRoutes: FastifyPluginAsync<{ db: Db; uploadDir: string }> = async (
  app,
  { db, uploadDir },
) => {
  // The CSV import and progress updates' evidence post files; the plugin stays inside this module.
  await acceptFormUploads(app, { maxFields: 20, maxBytes: maxPaperBytes });

  const signedIn = { access: "signed-in" } as const;
  const editorsOnly = { access: editors };
  const kysely = db.kysely;

  app.get("/inspections", { config: signedIn }, async (request, reply) => {
    const filter = registerFilterSchema.parse(request.query);
    const today = todayInUk();
    const [findings, counts, inspections] = await Promise.all([
      listRegister(kysely, filter, today),
      countByStatus(kysely, filter, today),
      listInspections(kysely),
    ]);
    const responses = await Promise.all(inspections.map((inspection) => findResponse(kysely, inspection.id)));
    return reply.page("inspections/views/register.njk", {
      title: "Inspections register",
      filter,
      findings: findings.map((finding) => ({ ...finding, overdue: isOverdue(finding, today) })),
      counts: findingStatuses.map((status) => ({ status, count: counts[status] })),
      inspections: inspections.map((inspection, index) => ({
        ...inspection,
        deadline: deadlineView(inspection, responses[index], today),
      })),
      kindOptions: options(findingKinds, labels.findingKind),
      statusOptions: options(findingStatuses, labels.status),
      labels,
      canEdit: canEdit(request.user?.role),
    });
  });

  /**
   * The add form, or the edit form when given the inspection being corrected; stale after a save refused because
   * someone else saved first.
   */
  const inspectionForm = (
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
    editing?: InspectionRow,
    stale = false,
  ) =>
    reply.page(
      "inspections/views/inspection-form.njk",
      {
        title: editing ? `Change ${editing.title}` : "Add an inspection",
        action: editing ? `/inspections/${editing.id}/edit` : "/inspections",
        editing,
        stale,
        values,
        kindOptions: options(inspectionKinds, labels.inspectionKind),
        ...errorView(errors),
      },
      errors.length ? 422 : 200,
    );

  app.get("/inspections/new", { config: editorsOnly }, async (_request, reply) => inspectionForm(reply, {}));

  app.post<Form>("/inspections", { config: editorsOnly }, async (request, reply) => {
    const form = parseForm(inspectionSchema, request.body);
    if (!form.ok) return inspectionForm(reply, request.body, form.errors);
    const inspection = await createInspection(kysely, request.actor, form.data);
    request.session.flash = `Added ${inspection.title}`;
    return reply.redirect(`/inspections/${inspection.id}`);
  });

  const inspectionToEdit = async (id: number) => {
    const inspection = await findInspection(kysely, id);
    if (!inspection) throw new NotFoundError();
    return inspection;
  };

  app.get("/inspections/:id/edit", { config: editorsOnly }, async (request, reply) => {
    const inspection = await inspectionToEdit(idParams.parse(request.params).id);
    return inspectionForm(reply, inspection, [], inspection);
  });

  app.post<Form>("/inspections/:id/edit", { config: editorsOnly }, async (request, reply) => {
    const inspection = await inspectionToEdit(idParams.parse(request.params).id);
    const form = parseForm(inspectionChangeSchema, request.body);
    if (!form.ok) return inspectionForm(reply, request.body, form.errors, inspection);
    const { version, ...details } = form.data;
    try {
      await updateInspectionDetails(kysely, request.actor, inspection.id, details, version);
    } catch (error) {
      if (!(error instanceof StaleEditError)) throw error;
      // The person's text comes back with the current version, so saving again is a deliberate choice.
      const current = await inspectionToEdit(inspection.id);
      return inspectionForm(
        reply,
        { ...request.body, version: current.version },
        error.fieldErrors,
        current,
        true,
      );
    }
    request.session.flash = "Inspection details saved";
    return reply.redirect(`/inspections/${inspection.id}`);
  });

  const importForm = (reply: FastifyReply, problems: string[] = []) =>
    reply.page(
      "inspections/views/import.njk",
      {
        title: "Import inspections",
        problems,
        ...(problems.length
          ? errorView([
              {
                field: "file",
                text:
                  problems.length === 1
                    ? problems[0]!
                    : `The file has ${problems.length} problems; nothing was imported`,
              },
            ])
          : {}),
      },
      problems.length ? 422 : 200,
    );

  app.get("/inspections/import", { config: editorsOnly }, async (_request, reply) => importForm(reply));

  app.get("/inspections/import/template.csv", { config: editorsOnly }, async (_request, reply) =>
    reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="inspections.csv"')
      .send(await readFile(fromRoot("docs", "templates", "inspections.csv"))),
  );

  app.post<{ Body: Record<string, unknown> }>(
    "/inspections/import",
    { config: editorsOnly },
    async (request, reply) => {
      const { file } = splitUpload(request.body);
      if (!file || file.data.length === 0) return importForm(reply, ["Choose a CSV file to import"]);
      if (file.truncated || file.data.length > maxImportBytes) {
        return importForm(reply, ["The file must be smaller than 1 MB"]);
      }
      const text = await csvText(file.data);
      if (text === null)
        return importForm(reply, [
          "The file is not a CSV file: save it from your spreadsheet as CSV (UTF-8)",
        ]);
      const { rows, errors } = parseInspectionsCsv(text);
      if (errors.length) return importForm(reply, formatImportErrors(errors));
      const summary = await importInspections(kysely, request.actor, rows);
      request.session.flash = `Imported ${summary.inspections} inspection(s), ${summary.grades} grade(s) and ${summary.findings} finding(s)`;
      return reply.redirect("/inspections");
    },
  );

  const inspectionPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: { gradeValues?: Record<string, string>; errors?: FieldError[] } = {},
  ) => {
    const inspection = await findInspection(kysely, id);
    if (!inspection) throw new NotFoundError();
    const today = todayInUk();
    const [grades_, findings, response] = await Promise.all([
      listGrades(kysely, id),
      listFindingsOfInspection(kysely, id),
      findResponse(kysely, id),
    ]);
    const withOverdue = findings.map((finding) => ({ ...finding, overdue: isOverdue(finding, today) }));
    return reply.page(
      "inspections/views/inspection.njk",
      {
        title: inspection.title,
        inspection,
        grades: grades_,
        // Recommendations under their cause of concern; everything else at the top level.
        findings: withOverdue
          .filter((finding) => finding.parent_id === null)
          .map((finding) => ({
            ...finding,
            children: withOverdue.filter((child) => child.parent_id === finding.id),
          })),
        response,
        deadline: deadlineView(inspection, response, today),
        gradeOptions: options(grades, labels.grade),
        gradeValues: extra.gradeValues ?? {},
        labels,
        canEdit: canEdit(request.user?.role),
        ...errorView(extra.errors ?? []),
      },
      extra.errors?.length ? 422 : 200,
    );
  };

  app.get("/inspections/:id", { config: signedIn }, async (request, reply) =>
    inspectionPage(request, reply, idParams.parse(request.params).id),
  );

  app.post<Form>("/inspections/:id/grades", { config: editorsOnly }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const form = parseForm(gradeSchema, request.body);
    if (!form.ok)
      return inspectionPage(request, reply, id, { gradeValues: request.body, errors: form.errors });
    await setGrade(kysely, request.actor, id, form.data);
    request.session.flash = `Graded ${form.data.question_area} ${labels.grade[form.data.grade].toLowerCase()}`;
    return reply.redirect(`/inspections/${id}#grades`);
  });

  /**
   * The add form, or the edit form when given the finding being corrected; stale after a save refused because
   * someone else saved first.
   */
  const findingForm = async (
    reply: FastifyReply,
    id: number,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
    editing?: FindingRow,
    stale = false,
  ) => {
    const inspection = await findInspection(kysely, id);
    if (!inspection) throw new NotFoundError();
    const causes = (await listFindingsOfInspection(kysely, id)).filter(
      (finding) => finding.kind === "cause_of_concern" && finding.id !== editing?.id,
    );
    return reply.page(
      "inspections/views/finding-form.njk",
      {
        title: editing ? `Change ${editing.reference}` : "Add a finding",
        action: editing ? `/inspections/findings/${editing.id}/edit` : `/inspections/${id}/findings`,
        editing,
        stale,
        inspection,
        values,
        kindOptions: options(findingKinds, labels.findingKind),
        causes,
        ...errorView(errors),
      },
      errors.length ? 422 : 200,
    );
  };

  app.get("/inspections/:id/findings/new", { config: editorsOnly }, async (request, reply) =>
    findingForm(reply, idParams.parse(request.params).id, {}),
  );

  app.post<Form>("/inspections/:id/findings", { config: editorsOnly }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const form = parseForm(findingSchema, request.body);
    if (!form.ok) return findingForm(reply, id, request.body, form.errors);
    try {
      const finding = await createFinding(kysely, request.actor, id, form.data);
      request.session.flash = `Added ${finding.reference}`;
      return reply.redirect(`/inspections/${id}#findings`);
    } catch (error) {
      if (error instanceof ValidationError) return findingForm(reply, id, request.body, error.fieldErrors);
      throw error;
    }
  });

  const findingToEdit = async (id: number) => {
    const finding = await findFinding(kysely, id);
    if (!finding) throw new NotFoundError();
    return finding;
  };

  app.get("/inspections/findings/:id/edit", { config: editorsOnly }, async (request, reply) => {
    const finding = await findingToEdit(idParams.parse(request.params).id);
    return findingForm(reply, finding.inspection_id, finding, [], finding);
  });

  app.post<Form>("/inspections/findings/:id/edit", { config: editorsOnly }, async (request, reply) => {
    const finding = await findingToEdit(idParams.parse(request.params).id);
    const form = parseForm(findingChangeSchema, request.body);
    if (!form.ok) return findingForm(reply, finding.inspection_id, request.body, form.errors, finding);
    const { version, ...details } = form.data;
    try {
      await updateFindingDetails(kysely, request.actor, finding.id, details, version);
      request.session.flash = "Finding details saved";
      return reply.redirect(`/inspections/findings/${finding.id}`);
    } catch (error) {
      if (error instanceof StaleEditError) {
        const current = await findingToEdit(finding.id);
        const values = { ...request.body, version: current.version };
        return findingForm(reply, current.inspection_id, values, error.fieldErrors, current, true);
      }
      if (error instanceof ValidationError) {
        return findingForm(reply, finding.inspection_id, request.body, error.fieldErrors, finding);
      }
      throw error;
    }
  });

  const findingPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: { values?: Record<string, string>; errors?: FieldError[] } = {},
  ) => {
    const finding = await findFinding(kysely, id);
    if (!finding) throw new NotFoundError();
    const inspection = await findInspection(kysely, finding.inspection_id);
    if (!inspection) throw new NotFoundError();
    const today = todayInUk();
    const [updates, changes, links, parent, siblings, everyFinding] = await Promise.all([
      listUpdates(kysely, id),
      listStatusChanges(kysely, id),
      listLinks(kysely, id),
      finding.parent_id ? findFinding(kysely, finding.parent_id) : undefined,
      listFindingsOfInspection(kysely, finding.inspection_id),
      listRegister(kysely, { overdue: false }, today),
    ]);
    const role = request.user?.role;
    // Any finding in the register may supersede this one (national recommendations replace local AFIs).
    const supersedeCandidates = everyFinding
      .filter((candidate) => candidate.id !== id)
      .map((candidate) => ({
        value: String(candidate.id),
        text: `${candidate.inspection_title}: ${candidate.reference}`,
      }));
    const supersededBy = finding.superseded_by_id
      ? await findFinding(kysely, finding.superseded_by_id)
      : undefined;
    const history = [
      ...changes.map((change) => ({ at: change.at, kind: "status" as const, change })),
      ...updates.map((update) => ({ at: update.created_at, kind: "update" as const, update })),
      ...updates
        .filter((update) => update.assessed_at)
        .map((update) => ({ at: update.assessed_at!, kind: "assessment" as const, update })),
    ].sort((a, b) => b.at.localeCompare(a.at));
    return reply.page(
      "inspections/views/finding.njk",
      {
        title: `${finding.reference}: ${inspection.title}`,
        finding: { ...finding, overdue: isOverdue(finding, today) },
        inspection,
        parent,
        children: siblings.filter((sibling) => sibling.parent_id === id),
        supersededBy,
        updates,
        links,
        history,
        reachable: role
          ? statusesReachable(finding.status, role).map((status) => ({
              value: status,
              text: labels.status[status],
            }))
          : [],
        supersedeCandidates,
        closedByOptions: options(closedByOptions, labels.closedBy),
        ragOptions: rags.map((rag) => ({ value: rag, text: rag[0]!.toUpperCase() + rag.slice(1) })),
        assessmentOptions: options(assessments, assessmentLabels),
        assessmentLabels,
        maxFileLabel: maxPaperLabel,
        values: extra.values ?? {},
        today,
        labels,
        canEdit: canEdit(role),
        canReportProgress: canReportProgress(role),
        ...errorView(extra.errors ?? []),
      },
      extra.errors?.length ? 422 : 200,
    );
  };

  app.get("/inspections/findings/:id", { config: signedIn }, async (request, reply) =>
    findingPage(request, reply, idParams.parse(request.params).id),
  );

  /** Runs a finding-page form: invalid input or a refused change redisplays the page with the problems. */
  const findingAction =
    <S extends z.ZodType>(
      schema: S,
      act: (request: FastifyRequest, id: number, data: z.infer<S>, file?: UploadedFile) => Promise<string>,
    ) =>
    async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply: FastifyReply) => {
      const { id } = idParams.parse(request.params);
      const { fields, file } = splitUpload(request.body);
      const form = parseForm(schema, fields);
      if (!form.ok) return findingPage(request, reply, id, { values: fields, errors: form.errors });
      try {
        request.session.flash = await act(request, id, form.data, file);
        return reply.redirect(`/inspections/findings/${id}`);
      } catch (error) {
        if (error instanceof ValidationError) {
          return findingPage(request, reply, id, { values: fields, errors: error.fieldErrors });
        }
        throw error;
      }
    };

  app.post<Form>(
    "/inspections/findings/:id/updates",
    { config: { access: progressReporters } },
    findingAction(updateSchema, async (request, id, data, file) => {
      await addProgressUpdate(
        kysely,
        request.actor,
        id,
        data,
        file ? { directory: uploadDir, file } : undefined,
      );
      return "Progress update added";
    }),
  );

  /** An update's evidence file, for anyone signed in (the register is not published). */
  app.get("/inspections/evidence/:id", { config: signedIn }, async (request, reply) => {
    const update = await findUpdate(kysely, idParams.parse(request.params).id);
    if (!update?.evidence_stored_name || !update.evidence_media_type) throw new NotFoundError("No such file");
    const data = await readPaperFile(uploadDir, update.evidence_stored_name);
    return reply
      .type(update.evidence_media_type)
      .header(
        "content-disposition",
        `attachment; filename="${encodeURIComponent(update.evidence_file_name ?? "evidence")}"`,
      )
      .header("cache-control", "private, no-store")
      .send(data);
  });

  app.post<Form>(
    "/inspections/findings/:id/status",
    { config: { access: progressReporters } },
    findingAction(transitionSchema, async (request, id, data) => {
      const finding = await changeFindingStatus(kysely, request.actor, request.user!.role, id, data);
      return `Status changed to ${labels.status[finding.status].toLowerCase()}`;
    }),
  );

  app.post<Form>(
    "/inspections/findings/:id/links",
    { config: editorsOnly },
    findingAction(linkSchema, async (request, id, data) => {
      await addFindingLink(kysely, request.actor, id, data);
      return "Link added";
    }),
  );

  const updateParams = z.object({
    id: z.coerce.number().int().positive(),
    updateId: z.coerce.number().int().positive(),
  });

  // Each update on the page has its own assessment form, so its fields carry the update's id.
  app.post<Form>(
    "/inspections/findings/:id/updates/:updateId/assessment",
    { config: editorsOnly },
    async (request, reply) => {
      const { id, updateId } = updateParams.parse(request.params);
      const form = parseForm(assessmentSchema, request.body);
      const errors = form.ok
        ? []
        : form.errors.map((error) => ({ ...error, field: `${error.field}-${updateId}` }));
      if (!form.ok) return findingPage(request, reply, id, { values: request.body, errors });
      await assessUpdate(kysely, request.actor, id, updateId, form.data);
      request.session.flash = `Assessment recorded: ${assessmentLabels[form.data.assessment].toLowerCase()}`;
      return reply.redirect(`/inspections/findings/${id}`);
    },
  );

  /**
   * The response, and its form for an editor. After a refused save the form shows what the person wrote; after
   * one refused because someone else saved first (stale), with the current version, so saving again is deliberate.
   */
  const responsePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    errors: FieldError[] = [],
    submitted: Record<string, unknown> | null = null,
    stale = false,
  ) => {
    const inspection = await findInspection(kysely, id);
    if (!inspection) throw new NotFoundError();
    const response = await findResponse(kysely, id);
    const findings = await listFindingsOfInspection(kysely, id);
    const items = response ? await listResponseItems(kysely, response.id) : [];
    return reply.page(
      "inspections/views/response.njk",
      {
        title: `PCC's response: ${inspection.title}`,
        inspection,
        response,
        items: items.map((item) => ({
          ...item,
          finding: findings.find((finding) => finding.id === item.finding_id),
        })),
        deadline: deadlineView(inspection, response),
        labels,
        canEdit: canEdit(request.user?.role),
        submitted,
        stale,
        ...errorView(errors),
      },
      errors.length ? 422 : 200,
    );
  };

  app.get("/inspections/:id/response", { config: signedIn }, async (request, reply) =>
    responsePage(request, reply, idParams.parse(request.params).id),
  );

  /** A button or form on the response page; a refused one shows the page again, with the text the form sent. */
  const responseAction =
    (act: (request: FastifyRequest<Form>, id: number) => Promise<string>, sendsText = false) =>
    async (request: FastifyRequest<Form>, reply: FastifyReply) => {
      const { id } = idParams.parse(request.params);
      try {
        request.session.flash = await act(request, id);
        return reply.redirect(`/inspections/${id}/response`);
      } catch (error) {
        if (error instanceof ValidationError) {
          const submitted = sendsText ? request.body : null;
          return responsePage(
            request,
            reply,
            id,
            error.fieldErrors,
            submitted,
            error instanceof StaleEditError,
          );
        }
        throw error;
      }
    };

  app.post<Form>(
    "/inspections/:id/response/draft",
    { config: editorsOnly },
    responseAction(async (request, id) => {
      await draftResponse(kysely, request.actor, id);
      return "Response drafted from the register";
    }),
  );

  app.post<Form>(
    "/inspections/:id/response",
    { config: editorsOnly },
    responseAction(async (request, id) => {
      const { introduction, version, ...fields } = responseSchema.parse(request.body);
      const actions = new Map(
        Object.entries(fields)
          .filter(([key]) => /^action-\d+$/.test(key))
          .map(([key, value]) => [Number(key.slice("action-".length)), value]),
      );
      await saveResponse(kysely, request.actor, id, { introduction, actions, version });
      return "Response saved";
    }, true),
  );

  app.post<Form>(
    "/inspections/:id/response/publish",
    { config: editorsOnly },
    responseAction(async (request, id) => {
      await publishResponse(kysely, request.actor, id, publishResponseSchema.parse(request.body).version);
      return "Response published";
    }),
  );

  app.get("/peel-and-inspections", { config: { access: "public" } }, async (_request, reply) => {
    const [peel, responses] = await Promise.all([
      latestPeelComparison(kysely),
      listPublishedResponses(kysely),
    ]);
    return reply.page("inspections/views/public.njk", {
      title: "PEEL and inspections",
      peel,
      responses,
      labels,
    });
  });

  app.get("/peel-and-inspections/responses/:id", { config: { access: "public" } }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const inspection = await findInspection(kysely, id);
    const response = inspection ? await findResponse(kysely, id) : undefined;
    // The public sees a response only once published.
    if (!inspection || !response?.published_at) throw new NotFoundError();
    const findings = await listFindingsOfInspection(kysely, id);
    const items = await listResponseItems(kysely, response.id);
    return reply.page("inspections/views/public-response.njk", {
      title: `PCC's response: ${inspection.title}`,
      inspection,
      response,
      items: items.map((item) => ({
        ...item,
        finding: findings.find((finding) => finding.id === item.finding_id),
      })),
      labels,
    });
  });
};

/** The upload as text, or null when its content is a known binary format (a spreadsheet, a PDF) or not UTF-8. */
async function csvText(file: Buffer): Promise<string | null> {
  if (await fileTypeFromBuffer(file)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(file);
  } catch {
    return null;
  }
}
