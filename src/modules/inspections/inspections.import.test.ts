import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { fromRoot } from "../../lib/paths.js";
import { systemActor } from "../audit/actor.js";
import {
  formatImportErrors,
  importInspections,
  parseInspectionsCsv,
  templateColumns,
  type ImportRow,
} from "./inspections.import.js";

const database = useTestDatabase();
const header = templateColumns.join(",");
const csv = (...lines: string[]) => [header, ...lines].join("\n") + "\n";

async function countRows(table: "inspections" | "peel_grades" | "inspection_findings" | "audit_log") {
  const row = await database
    .current()
    .db.kysely.selectFrom(table)
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("parsing the inspections CSV", () => {
  it("reads the documented template without a problem", () => {
    const { rows, errors } = parseInspectionsCsv(
      readFileSync(fromRoot("docs", "templates", "inspections.csv"), "utf8"),
    );
    expect(errors).toEqual([]);
    expect(rows.map((row) => row.record)).toEqual([
      "inspection",
      "grade",
      "grade",
      "finding",
      "finding",
      "finding",
    ]);
    const grade = rows[1];
    expect(grade?.record === "grade" && grade.data).toEqual({
      question_area: "Investigating crime",
      grade: "requires_improvement",
    });
    const recommendation = rows[4];
    expect(recommendation?.record === "finding" && recommendation.parentReference).toBe("CoC 1");
    expect(rows[5]?.record === "finding" && rows[5].data.kind).toBe("area_for_improvement");
  });

  it("names each bad row by its line and column", () => {
    const { errors } = parseInspectionsCsv(
      csv(
        "inspection,P1,peel,PEEL,2025-02-30,,,,,,,,,",
        "grade,P1,,,,,,Investigating crime,brilliant,,,,,",
        "grade,P2,,,,,,Investigating crime,good,,,,,",
        "finding,P1,recommendation,,,,,,,R1,CoC 9,Do it,,",
        "finding,P1,afi,,,,,,,R2,,,,2025-13-01",
        "inspection,P3,custody,Custody,2025-01-10,,,,,,,,,",
        "finding,P3,recommendation,,,,,,,R1,CoC 9,Do it,,",
        "thing,P1,,,,,,,,,,,,",
        "finding,P1,afi,,,,",
      ),
    );
    expect(formatImportErrors(errors)).toEqual([
      "Line 2, published_on: Enter the date the report was published, like 2025-03-31",
      "Line 3, grade: Use one of: outstanding, good, adequate, requires_improvement, inadequate",
      "Line 4, inspection: No inspection row with the key P2",
      "Line 6, text: Enter the finding's text",
      "Line 6, target_date: Enter a real date, like 2025-03-31",
      "Line 8, parent_reference: No cause of concern CoC 9 in P3",
      "Line 9, record: Use one of: inspection, grade, finding",
      "Line 10, row: Expected 14 columns, found 7",
    ]);
  });

  it("checks rows against each other: duplicates, grades outside PEEL, parents that are not causes of concern", () => {
    const { errors } = parseInspectionsCsv(
      csv(
        "inspection,P1,peel,PEEL,2025-01-10,,,,,,,,,",
        "inspection,P1,custody,Custody,2025-01-10,,,,,,,,,",
        "inspection,C1,custody,Custody,2025-01-10,,,,,,,,,",
        "grade,C1,,,,,,Investigating crime,good,,,,,",
        "grade,P1,,,,,,Investigating crime,good,,,,,",
        "grade,P1,,,,,,investigating crime,adequate,,,,,",
        "finding,P1,afi,,,,,,,AFI 1,,Text,,",
        "finding,P1,recommendation,,,,,,,R1,AFI 1,Text,,",
        "finding,P1,afi,,,,,,,AFI 1,,Text again,,",
      ),
    );
    expect(formatImportErrors(errors)).toEqual([
      "Line 3, inspection: The inspection P1 appears twice",
      "Line 5, grade: Grades belong to PEEL inspections only",
      "Line 7, question_area: investigating crime is graded twice",
      "Line 9, parent_reference: No cause of concern AFI 1 in P1",
      "Line 10, reference: The reference AFI 1 appears twice in P1",
    ]);
  });

  it("counts lines from the first line of a row whose quoted text spans lines", () => {
    const { errors } = parseInspectionsCsv(
      csv('inspection,P1,peel,"PEEL\nover two lines",2025-01-10,,,,,,,,,', "finding,P1,afi,,,,,,,,,Text,,"),
    );
    expect(formatImportErrors(errors)).toEqual([
      "Line 4, reference: Enter the finding's reference, like AFI 3",
    ]);
  });

  it("refuses a header that is not the template's, and an unclosed quote", () => {
    expect(
      formatImportErrors(parseInspectionsCsv("record,inspection,title\ninspection,P1,X\n").errors)[0],
    ).toMatch(
      /^Line 1, header: The header does not match the template: missing column\(s\): kind, published_on/,
    );
    expect(
      formatImportErrors(parseInspectionsCsv(csv('inspection,P1,peel,"PEEL,2025-01-10,,,,,,,,,')).errors)[0],
    ).toMatch(/^Line 2, file: Quote Not Closed/);
  });

  it("accepts a byte-order mark, CRLF line ends and everyday wording of the values", () => {
    const { rows, errors } = parseInspectionsCsv(
      "\uFEFF" +
        csv(
          "inspection,P1,Victim service assessment revisit,VSA revisit,2025-01-10,,,,,,,,,",
          "finding,P1,AFI,,,,,,,A1,,Text,,",
        ).replace(/\n/g, "\r\n"),
    );
    expect(errors).toEqual([]);
    expect(rows[0]?.record === "inspection" && rows[0].data.kind).toBe("victim_service_revisit");
  });
});

describe("importing the inspections CSV", () => {
  it("saves inspections, grades and findings with recommendations under their cause of concern, and audits each", async () => {
    const { db } = database.current();
    const auditBefore = await countRows("audit_log");
    const { rows, errors } = parseInspectionsCsv(
      csv(
        "finding,P1,recommendation,,,,,,,R1,CoC 1,Recommend,,",
        "inspection,P1,peel,PEEL import,2025-01-10,,,,,,,,,",
        "grade,P1,,,,,,Investigating crime,good,,,,,",
        "finding,P1,cause of concern,,,,,,,CoC 1,,Concern,ACC,2025-06-30",
      ),
    );
    expect(errors).toEqual([]);
    expect(await importInspections(db.kysely, systemActor, rows)).toEqual({
      inspections: 1,
      grades: 1,
      findings: 2,
    });
    const findings = await db.kysely.selectFrom("inspection_findings").selectAll().orderBy("id").execute();
    const cause = findings.find((finding) => finding.reference === "CoC 1");
    expect(findings.find((finding) => finding.reference === "R1")?.parent_id).toBe(cause?.id);
    expect(findings.every((finding) => finding.status === "open")).toBe(true);
    expect((await countRows("audit_log")) - auditBefore).toBe(4);
  });

  it("saves nothing when any row fails in the database", async () => {
    const { db } = database.current();
    const before = await Promise.all([
      countRows("inspections"),
      countRows("peel_grades"),
      countRows("audit_log"),
    ]);
    const rows: ImportRow[] = [
      {
        line: 2,
        inspection: "P1",
        record: "inspection",
        data: { kind: "peel", title: "Half", published_on: "2025-01-10", report_url: null, scope: null },
      },
      {
        line: 3,
        inspection: "P1",
        record: "grade",
        data: { question_area: "Investigating crime", grade: "good" },
      },
      // Past the parser's checks only by construction: the database's CHECK refuses it, mid-import.
      {
        line: 4,
        inspection: "P1",
        record: "grade",
        data: { question_area: "Responding", grade: "splendid" as "good" },
      },
    ];
    await expect(importInspections(db.kysely, systemActor, rows)).rejects.toThrow();
    expect(
      await Promise.all([countRows("inspections"), countRows("peel_grades"), countRows("audit_log")]),
    ).toEqual(before);
  });
});
