/** One file sent with a form, kept in memory: shared by the modules whose forms take uploads. */
import fastifyMultipart, { type MultipartFile } from "@fastify/multipart";
import type { FastifyInstance } from "fastify";

export interface UploadedFile {
  filename: string;
  data: Buffer;
  /** True when the upload went past the size limit and was cut short. */
  truncated: boolean;
}

/**
 * Lets a module's forms carry one file (a paper, evidence, an import), kept whole in memory within a size limit.
 * A file over it comes marked truncated, for the form to report (as the papers' `checkPaperFile` does), not as
 * a bare 413.
 */
export async function acceptFormUploads(
  app: FastifyInstance,
  limits: { maxFields: number; maxBytes: number },
): Promise<void> {
  await app.register(fastifyMultipart, {
    attachFieldsToBody: "keyValues",
    onFile: keepUploadedFile,
    throwFileSizeLimit: false,
    limits: { fileSize: limits.maxBytes, files: 1, fields: limits.maxFields },
  });
}

async function keepUploadedFile(part: MultipartFile): Promise<void> {
  const file: UploadedFile = {
    filename: part.filename,
    data: await part.toBuffer(),
    truncated: part.file.truncated,
  };
  (part as unknown as { value: UploadedFile }).value = file;
}

/** The file field of a submitted form, unless none was chosen (browsers then send an empty part). */
export function chosenFile(body: Record<string, unknown> | undefined): UploadedFile | undefined {
  const file = body?.file;
  if (!file || typeof file !== "object" || !("data" in file)) return undefined;
  const upload = file as UploadedFile;
  return upload.filename === "" && upload.data.length === 0 ? undefined : upload;
}
