import { describe, expect, it } from "vitest";
import {
  classifyBodyLine,
  extractRef,
  parseAction,
  parseItemTitle,
  parsePaper,
  parsePurpose,
} from "./item-lines.js";

const known = new Set(["PCC", "T/CC", "RJ"]);

describe("parseItemTitle", () => {
  it("takes a trailing bracket of known roles as the lead", () => {
    expect(parseItemTitle("Review of Action Tracker (PCC/T/CC)", known)).toEqual({
      title: "Review of Action Tracker",
      ref: null,
      purpose: null,
      leadText: "PCC/T/CC",
    });
  });

  it("leaves an unknown abbreviation such as (VSA) in the title", () => {
    expect(parseItemTitle("Victim Service Assessment (VSA)", known)).toMatchObject({
      title: "Victim Service Assessment (VSA)",
      leadText: null,
    });
  });

  it("separates reference, purpose and lead from a governance heading", () => {
    expect(parseItemTitle("Estates Strategy Refresh – Ref/03/22/08/2024 – For Decision (CC)", known)).toEqual(
      {
        title: "Estates Strategy Refresh",
        ref: "Ref/03/22/08/2024",
        purpose: "decision",
        leadText: "CC",
      },
    );
  });
});

describe("classifyBodyLine", () => {
  it.each([
    ["3. Chief Constable Assessment", { kind: "item", number: 3, title: "Chief Constable Assessment" }],
    ["Item 4: Finance", { kind: "item", number: 4, title: "Finance" }],
    ["• Outcomes", { kind: "bullet", glyphLevel: 0, text: "Outcomes" }],
    ["o Supervision", { kind: "bullet", glyphLevel: 1, text: "Supervision" }],
    ["▪ Detail", { kind: "bullet", glyphLevel: 2, text: "Detail" }],
    ["Lead: PCC/T/CC", { kind: "lead", value: "PCC/T/CC" }],
    ["Papers:", { kind: "papers", value: "" }],
    ["Action 2023/15: RJ to share", { kind: "action", number: "2023/15", owner: null, value: "RJ to share" }],
    ["Action 2024/12 (CEO): Publish", { kind: "action", number: "2024/12", owner: "CEO", value: "Publish" }],
    [
      "Decision Ref/03/22/08/2024: Approved",
      { kind: "decision", ref: "Ref/03/22/08/2024", value: "Approved" },
    ],
    ["Action – RJ to call", { kind: "action", number: null, owner: null, value: "RJ to call" }],
    ["Ref/02/22/08/2024", { kind: "ref", value: "Ref/02/22/08/2024" }],
    ["For Decision", { kind: "purpose", value: "For Decision" }],
    ["Next meeting: 19/12/2023", { kind: "next-meeting" }],
  ])("classifies %s", (text, expected) => {
    expect(classifyBodyLine(text)).toEqual(expected);
  });

  it("does not mistake prose for actions, items or purposes", () => {
    expect(classifyBodyLine("Actions reviewed and progressed as per action tracker.")).toEqual({
      kind: "text",
    });
    expect(classifyBodyLine("1.5 million calls were answered.")).toEqual({ kind: "text" });
    expect(classifyBodyLine("The paper was for information only.")).toEqual({ kind: "text" });
    expect(classifyBodyLine("2023/24 outturn")).toEqual({ kind: "text" });
    expect(classifyBodyLine("Decision-making was discussed.")).toEqual({ kind: "text" });
  });
});

describe("parseAction", () => {
  it("reads owners before 'to' and a due date after 'by'", () => {
    expect(parseAction("RJ to share the delivery plan by 31/01/2024", null)).toEqual({
      owners: ["RJ"],
      description: "share the delivery plan by 31/01/2024",
      due: "2024-01-31",
    });
  });

  it("reads several owners and an 'Owner:' part", () => {
    expect(parseAction("MF and RI to bring the business case", null).owners).toEqual(["MF", "RI"]);
    expect(parseAction("Review the forecast – Owner: CFO – Due: 31/10/2024", null)).toEqual({
      owners: ["CFO"],
      description: "Review the forecast – Due: 31/10/2024",
      due: "2024-10-31",
    });
  });

  it("uses the bracketed owner when given", () => {
    expect(parseAction("Publish the record", "CEO/RJ")).toMatchObject({ owners: ["CEO", "RJ"] });
  });

  it("does not take a date that is not introduced as a deadline", () => {
    expect(parseAction("RJ to report on the 19/12/2023 meeting", null).due).toBeNull();
  });

  it("leaves owners empty when the sentence has no owner", () => {
    expect(parseAction("the force to confirm figures", null)).toEqual({
      owners: [],
      description: "the force to confirm figures",
      due: null,
    });
  });
});

describe("parsePaper", () => {
  it("reads recipient and date-time deadline", () => {
    expect(parsePaper("Paper to be submitted to OPCC on 13/05/2024 by 9am")).toEqual({
      submitTo: "OPCC",
      deadline: "2024-05-13T09:00",
    });
  });

  it("accepts the time before the date, and a date alone", () => {
    expect(parsePaper("submit to OPCC by 12 noon on 15 May 2024").deadline).toBe("2024-05-15T12:00");
    expect(parsePaper("Report due 15/05/2024").deadline).toBe("2024-05-15");
    expect(parsePaper("Verbal update")).toEqual({ submitTo: null, deadline: null });
  });
});

describe("purposes and references", () => {
  it("reads purposes in their usual forms", () => {
    expect(parsePurpose("For Information")).toBe("information");
    expect(parsePurpose("Purpose: For Agreement")).toBe("agreement");
    expect(parsePurpose("Purpose: Discussion")).toBe("discussion");
    expect(parsePurpose("For lunch")).toBeNull();
  });

  it("normalises spacing inside a reference", () => {
    expect(extractRef("see Ref / 03 / 22/08/2024 above")?.ref).toBe("Ref/03/22/08/2024");
  });
});
