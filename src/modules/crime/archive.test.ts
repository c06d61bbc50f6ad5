import { rootDir } from "../../lib/paths.js";
import { mkdtemp, rm, writeFile, mkdir, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { crc32, deflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listPoliceCsvs, readPoliceCsvs } from "./archive.js";
import { PoliceFileError } from "./file-kinds.js";

interface ZipMember {
  name: string;
  content: string;
  deflate?: boolean;
  /** Lie about the uncompressed size, as a zip bomb would. */
  declaredSize?: number;
}

/** Just enough of the zip format (no zip64, no timestamps) to build test archives; yazl is not installed. */
function buildZip(members: readonly ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const member of members) {
    const name = Buffer.from(member.name);
    const raw = Buffer.from(member.content);
    const data = member.deflate ? deflateRawSync(raw) : raw;
    const fields = (header: Buffer, at: number) => {
      header.writeUInt16LE(member.deflate ? 8 : 0, at); // compression method
      header.writeUInt32LE(0x00210000, at + 2); // DOS time 00:00, date 1980-01-01
      header.writeUInt32LE(crc32(raw), at + 6);
      header.writeUInt32LE(data.length, at + 10);
      header.writeUInt32LE(member.declaredSize ?? raw.length, at + 14);
      header.writeUInt16LE(name.length, at + 18);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    fields(local, 8);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    fields(central, 10);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const STREET =
  "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "scrutineer-archive-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function writeZip(name: string, members: readonly ZipMember[]): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, buildZip(members));
  return path;
}

async function readAll(path: string, forceIds?: string[]) {
  const read: { file: string; forceId: string; month: string; kind: string; content: string }[] = [];
  for await (const member of readPoliceCsvs(path, { forceIds })) {
    read.push({ file: member.file, ...member.identity, content: await text(member.stream) });
  }
  return read;
}

describe("zip archives", () => {
  it("lists a monthly archive's CSVs by force, month and kind, and what it ignored", async () => {
    const path = await writeZip("2025-01.zip", [
      { name: "2025-01/", content: "" },
      { name: "2025-01/2025-01-west-mercia-street.csv", content: STREET, deflate: true },
      { name: "2025-01/2025-01-west-mercia-outcomes.csv", content: "x" },
      { name: "2025-01/2025-01-norfolk-street.csv", content: STREET },
      { name: "README.txt", content: "hello" },
    ]);
    const listing = await listPoliceCsvs(path);
    expect(listing.csvs.map(({ file, identity, bytes }) => [file, identity, bytes])).toEqual([
      [
        `${path}:2025-01/2025-01-norfolk-street.csv`,
        { forceId: "norfolk", month: "2025-01", kind: "street" },
        STREET.length,
      ],
      [
        `${path}:2025-01/2025-01-west-mercia-outcomes.csv`,
        { forceId: "west-mercia", month: "2025-01", kind: "outcomes" },
        1,
      ],
      [
        `${path}:2025-01/2025-01-west-mercia-street.csv`,
        { forceId: "west-mercia", month: "2025-01", kind: "street" },
        STREET.length,
      ],
    ]);
    expect(listing.ignored).toEqual([`${path}:README.txt`]);
  });

  it("streams the members of a custom download holding several months, filtered by force", async () => {
    const path = await writeZip("custom.zip", [
      { name: "2025-02/2025-02-derbyshire-street.csv", content: "derbyshire feb", deflate: true },
      { name: "2025-01/2025-01-staffordshire-street.csv", content: "staffordshire jan" },
      { name: "2025-01/2025-01-derbyshire-street.csv", content: "derbyshire jan", deflate: true },
    ]);
    const read = await readAll(path, ["derbyshire"]);
    expect(read.map(({ month, forceId, content }) => [month, forceId, content])).toEqual([
      ["2025-01", "derbyshire", "derbyshire jan"],
      ["2025-02", "derbyshire", "derbyshire feb"],
    ]);
  });

  it("moves on when the caller leaves a member unread", async () => {
    const path = await writeZip("skip.zip", [
      { name: "2025-01/2025-01-norfolk-street.csv", content: "a".repeat(100_000), deflate: true },
      { name: "2025-01/2025-01-suffolk-street.csv", content: "suffolk" },
    ]);
    const contents: string[] = [];
    for await (const member of readPoliceCsvs(path)) {
      if (member.identity.forceId === "suffolk") contents.push(await text(member.stream));
    }
    expect(contents).toEqual(["suffolk"]);
  });

  it("refuses an archive with a member name that climbs out of the folder (zip slip)", async () => {
    const path = await writeZip("slip.zip", [{ name: "../2025-01-west-mercia-street.csv", content: STREET }]);
    await expect(listPoliceCsvs(path)).rejects.toThrow(PoliceFileError);
    await expect(readAll(path)).rejects.toThrow(/unsafe or corrupt zip: invalid relative path/);
  });

  it("refuses a member declaring more than the size limit, before reading it", async () => {
    const path = await writeZip("big.zip", [
      { name: "2025-01/2025-01-kent-street.csv", content: "x".repeat(2_000) },
    ]);
    await expect(listPoliceCsvs(path, { maxMemberBytes: 1_000 })).rejects.toThrow(
      /2025-01-kent-street\.csv: declares 2000 bytes uncompressed, more than the 1000-byte limit/,
    );
  });

  it("refuses a member that would inflate a hundred times its stored size (zip bomb), before reading it", async () => {
    const path = await writeZip("ratio.zip", [
      { name: "2025-01/2025-01-kent-street.csv", content: STREET + ",".repeat(4_000_000), deflate: true },
    ]);
    await expect(listPoliceCsvs(path)).rejects.toThrow(
      /2025-01-kent-street\.csv: would inflate \d+ times \(4000\d+ bytes from \d+\), more than the 100 times a real data\.police\.uk file could/,
    );
    await expect(readAll(path)).rejects.toThrow(PoliceFileError);
    // A real archive's members inflate 12 times at most: the demo's are all read.
    const demo = await listPoliceCsvs(join(rootDir, "data", "demo", "police-uk", "2025-01.zip"));
    expect(demo.csvs.length).toBeGreaterThan(10);
  });

  it("stops a member that inflates to more bytes than it declared (zip bomb)", async () => {
    const path = await writeZip("bomb.zip", [
      {
        name: "2025-01/2025-01-kent-street.csv",
        content: "x".repeat(1_000_000),
        deflate: true,
        declaredSize: 100,
      },
    ]);
    await expect(readAll(path)).rejects.toThrow(/too many bytes/);
  });
});

describe("plain CSVs and folders", () => {
  it("reads a single CSV path", async () => {
    const fixture = join(
      rootDir,
      "test",
      "fixtures",
      "police-uk",
      "original",
      "2025-05-west-mercia-street.csv",
    );
    const read = await readAll(fixture);
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({
      file: fixture,
      forceId: "west-mercia",
      month: "2025-05",
      kind: "street",
    });
    expect(read[0]?.content).toContain("Birmingham 128B");
  });

  it("walks a folder for CSVs and zips, in name order", async () => {
    const tree = join(folder, "tree");
    await mkdir(join(tree, "nested"), { recursive: true });
    await writeFile(join(tree, "2025-03-norfolk-street.csv"), "norfolk mar");
    await writeFile(join(tree, "notes.txt"), "ignored");
    await copyFile(
      await writeZip("inner.zip", [{ name: "2025-01/2025-01-norfolk-street.csv", content: "norfolk jan" }]),
      join(tree, "nested", "2025-01.zip"),
    );
    const read = await readAll(tree);
    expect(read.map(({ content }) => content)).toEqual(["norfolk mar", "norfolk jan"]);
  });
});
