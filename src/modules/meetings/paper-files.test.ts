import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkPaperFile, maxPaperBytes, readPaperFile, storePaperFile } from "./paper-files.js";
import { sampleDocx, samplePdf } from "./test-papers.js";

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

describe("checking an uploaded paper", () => {
  it("accepts a PDF and a DOCX by their content", async () => {
    const pdf = await checkPaperFile({ filename: "paper.pdf", data: await samplePdf(), truncated: false });
    expect(pdf.extension).toBe("pdf");
    const docx = await checkPaperFile({ filename: "paper", data: await sampleDocx(), truncated: false });
    expect(docx).toEqual({
      extension: "docx",
      mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    });
  });

  it("refuses a text file named .pdf, naming the file", async () => {
    await expect(
      checkPaperFile({ filename: "paper.pdf", data: Buffer.from("just text, not a PDF"), truncated: false }),
    ).rejects.toThrow("paper.pdf is not a PDF, Word (DOCX), Excel (XLSX) or PowerPoint (PPTX) file");
  });

  it("refuses a PNG renamed .docx and says what it really is", async () => {
    const png = Buffer.from(
      "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
        "1f15c4890000000d49444154789c6300010000050001" +
        "0d0a2db40000000049454e44ae426082",
      "hex",
    );
    await expect(checkPaperFile({ filename: "paper.docx", data: png, truncated: false })).rejects.toThrow(
      "(its content is PNG)",
    );
  });

  it("refuses an empty, a missing and an oversized file", async () => {
    await expect(checkPaperFile(undefined)).rejects.toThrow("Select a file to upload");
    await expect(
      checkPaperFile({ filename: "a.pdf", data: Buffer.alloc(0), truncated: false }),
    ).rejects.toThrow("Select a file");
    const pdf = await samplePdf();
    await expect(checkPaperFile({ filename: "a.pdf", data: pdf, truncated: true })).rejects.toThrow(
      "smaller than 20 MB",
    );
    expect(maxPaperBytes).toBe(20 * 1024 * 1024);
  });
});

describe("storing a paper", () => {
  it("writes it under a random name, never the uploader's", async () => {
    const directory = await mkdtemp(join(tmpdir(), "scrutineer-papers-"));
    directories.push(directory);
    const data = await samplePdf();
    const first = await storePaperFile(directory, data, "pdf");
    const second = await storePaperFile(directory, data, "pdf");
    expect(first).toMatch(/^[0-9a-f]{32}\.pdf$/);
    expect(second).not.toBe(first);
    expect((await readdir(directory)).sort()).toEqual([first, second].sort());
    expect((await readPaperFile(directory, first)).equals(data)).toBe(true);
    await expect(readPaperFile(directory, "../../etc/passwd")).rejects.toThrow("Not a stored paper name");
  });
});
