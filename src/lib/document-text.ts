/**
 * The text of the PDFs and Word documents lib/documents writes, so tests can check what a reader would see.
 * Enough for pdfkit's output with the standard fonts (text shown by TJ arrays of hex strings in Flate
 * streams) and for docx's word/document.xml; not a general PDF or DOCX reader.
 */
import { inflateSync } from "node:zlib";
import yauzl from "yauzl";

// The standard fonts' encoding is WinAnsi (Windows-1252): Latin-1 except bytes 0x80–0x9F, which carry the
// dashes, curly quotes and bullet. Node's TextDecoder reads "windows-1252" as plain Latin-1, hence this table.
const WIN_ANSI_80_TO_9F = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";
function decodeWinAnsi(bytes: Buffer): string {
  return [...bytes]
    .map((byte) =>
      byte >= 0x80 && byte <= 0x9f ? WIN_ANSI_80_TO_9F[byte - 0x80]! : String.fromCharCode(byte),
    )
    .join("");
}

/** Each line of text the PDF draws, in drawing order. */
export function pdfText(pdf: Buffer): string {
  const lines: string[] = [];
  const source = pdf.toString("latin1");
  const streams = /stream\r?\n([\s\S]*?)\r?\nendstream/g;
  for (let match = streams.exec(source); match; match = streams.exec(source)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(match[1]!, "latin1")).toString("latin1");
    } catch {
      continue; // Not a Flate stream (a font or an image): no text in it.
    }
    for (const shown of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const pieces = [...shown[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((hex) =>
        decodeWinAnsi(Buffer.from(hex[1]!, "hex")),
      );
      lines.push(pieces.join(""));
    }
  }
  return lines.join("\n");
}

/** The paragraphs and table cells of a DOCX, one per line. */
export async function docxText(docx: Buffer): Promise<string> {
  const xml = await readZipMember(docx, "word/document.xml");
  return xml
    .replace(/<\/w:p>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

function readZipMember(zip: Buffer, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error) return reject(error);
      archive.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return archive.readEntry();
        archive.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => {
            archive.close();
            resolve(Buffer.concat(chunks).toString("utf8"));
          });
          stream.on("error", reject);
        });
      });
      archive.on("end", () => reject(new Error(`The document has no ${name}.`)));
      archive.on("error", reject);
      archive.readEntry();
    });
  });
}
