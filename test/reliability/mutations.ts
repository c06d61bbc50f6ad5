/**
 * Damaged copies of real input files for the property tests: fast-check picks one to three edits
 * of the kinds real files suffer (a field dropped or repeated, a line repeated or cut short, stray
 * bytes, a stray quote, a byte-order mark, CRLF line ends, a truncated upload) and applies them in
 * turn. Positions are drawn as fractions so that every edit lands inside the text, whatever its length.
 */
import fc from "fast-check";

/** The seed every property test uses, so that a failure replays. */
export const PROPERTY_SEED = 20_261_126;

type Edit = (text: Buffer) => Buffer;

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const at = (text: Buffer, fraction: number) => Math.floor(fraction * text.length);

/** The line that holds byte `index`, as [start, end) with the end before its line break. */
function lineAround(text: Buffer, index: number): [number, number] {
  const start = text.lastIndexOf(0x0a, Math.max(0, index - 1)) + 1;
  const newline = text.indexOf(0x0a, index);
  return [start, newline === -1 ? text.length : newline];
}

function splice(text: Buffer, start: number, end: number, insert: Buffer | string = ""): Buffer {
  return Buffer.concat([text.subarray(0, start), Buffer.from(insert), text.subarray(end)]);
}

const edits: fc.Arbitrary<Edit>[] = [
  // Drop one field of a line: the comma-separated piece around the chosen byte.
  position.map((p) => (text) => {
    const [start, end] = lineAround(text, at(text, p));
    const fields = text.subarray(start, end).toString("latin1").split(",");
    fields.splice(Math.floor(p * fields.length) % fields.length, 1);
    return splice(text, start, end, Buffer.from(fields.join(","), "latin1"));
  }),
  // Repeat one field of a line.
  position.map((p) => (text) => {
    const [start, end] = lineAround(text, at(text, p));
    const fields = text.subarray(start, end).toString("latin1").split(",");
    const index = Math.floor(p * fields.length) % fields.length;
    fields.splice(index, 0, fields[index] ?? "");
    return splice(text, start, end, Buffer.from(fields.join(","), "latin1"));
  }),
  // Repeat a whole line.
  position.map((p) => (text) => {
    const [start, end] = lineAround(text, at(text, p));
    return splice(text, end, end, Buffer.concat([Buffer.from("\n"), text.subarray(start, end)]));
  }),
  // Random bytes (not necessarily UTF-8) somewhere.
  fc.tuple(position, fc.uint8Array({ minLength: 1, maxLength: 12 })).map(
    ([p, bytes]) =>
      (text) =>
        splice(text, at(text, p), at(text, p), Buffer.from(bytes)),
  ),
  // Random characters, any of Unicode, replacing a few.
  fc.tuple(position, fc.string({ unit: "binary", maxLength: 8 }), fc.nat({ max: 8 })).map(
    ([p, chars, length]) =>
      (text) =>
        splice(text, at(text, p), at(text, p) + length, chars),
  ),
  // A stray double quote.
  position.map((p) => (text) => splice(text, at(text, p), at(text, p), '"')),
  // A byte-order mark in front.
  fc.constant((text: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text])),
  // Windows line ends.
  fc.constant((text: Buffer) => Buffer.from(text.toString("latin1").replaceAll("\n", "\r\n"), "latin1")),
  // Cut short, as an interrupted upload would be.
  position.map((p) => (text) => text.subarray(0, at(text, p))),
  // A line emptied of all but its commas.
  position.map((p) => (text) => {
    const [start, end] = lineAround(text, at(text, p));
    return splice(text, start, end, text.subarray(start, end).toString("latin1").replace(/[^,]/g, ""));
  }),
];

/** One of `bases`, damaged by one to three edits; sometimes (one in ten) left whole. */
export function damagedCopy<T extends { text: Buffer }>(bases: readonly T[]): fc.Arbitrary<T> {
  return fc
    .tuple(
      fc.constantFrom(...bases),
      fc.oneof(
        { weight: 1, arbitrary: fc.constant<Edit[]>([]) },
        { weight: 9, arbitrary: fc.array(fc.oneof(...edits), { minLength: 1, maxLength: 3 }) },
      ),
    )
    .map(([base, chosen]) => ({ ...base, text: chosen.reduce((text, edit) => edit(text), base.text) }));
}
