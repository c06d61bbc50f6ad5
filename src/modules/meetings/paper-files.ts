import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileTypeFromBuffer } from "file-type";
import { ValidationError } from "../../lib/errors.js";
import type { UploadedFile } from "../../lib/form-uploads.js";

/** Papers the force may upload, as the file's content (not its name) shows them to be. */
const acceptedTypes: Record<string, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
};

export const maxPaperBytes = 20 * 1024 * 1024;
export const maxPaperLabel = "20 MB";

export interface CheckedPaper {
  extension: string;
  mediaType: string;
}

const fileError = (text: string) => new ValidationError([{ field: "file", text }]);

/** Refuses an empty, oversized or wrongly typed file with a message for the form's file field. */
export async function checkPaperFile(file: UploadedFile | undefined): Promise<CheckedPaper> {
  if (!file || file.data.length === 0) throw fileError("Select a file to upload");
  if (file.truncated || file.data.length > maxPaperBytes) {
    throw fileError(`The file must be smaller than ${maxPaperLabel}`);
  }
  const detected = await fileTypeFromBuffer(file.data);
  const mediaType = detected ? acceptedTypes[detected.ext] : undefined;
  if (!detected || !mediaType) {
    throw fileError(
      `${file.filename} is not a PDF, Word (DOCX), Excel (XLSX) or PowerPoint (PPTX) file` +
        (detected ? ` (its content is ${detected.ext.toUpperCase()})` : ""),
    );
  }
  return { extension: detected.ext, mediaType };
}

const storedNamePattern = /^[0-9a-f]{32}\.(pdf|docx|xlsx|pptx)$/;

/** Writes the file under a random name; the uploader's file name is never used as a path. */
export async function storePaperFile(directory: string, data: Buffer, extension: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const storedName = `${randomBytes(16).toString("hex")}.${extension}`;
  await writeFile(join(directory, storedName), data, { flag: "wx" });
  return storedName;
}

export async function readPaperFile(directory: string, storedName: string): Promise<Buffer> {
  if (!storedNamePattern.test(storedName)) throw new Error(`Not a stored paper name: ${storedName}`);
  return readFile(join(directory, storedName));
}

/** Removes a stored file whose database row was never written, so nothing is left half-saved. */
export async function removePaperFile(directory: string, storedName: string): Promise<void> {
  if (storedNamePattern.test(storedName)) await rm(join(directory, storedName), { force: true });
}
