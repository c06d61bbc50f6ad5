import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePublishedMeeting } from "./parse-published.js";
import type { Item, PublishedMeetingDraft, SourceLine } from "./schema.js";
import { PublishedMeetingDraftSchema } from "./schema.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../test/fixtures/meetings/${name}`, import.meta.url), "utf8");

const WEST_MERCIA = "west-mercia-q2-2023-24-performance-meeting-notes.txt";
const AGENDA = "sample-agenda-q1-2024-25-performance.txt";
const BOARD = "sample-governance-board-minutes-2024-08-22.txt";
const THEMATIC = "sample-thematic-vawg-notes-2023-12-19.txt";

/** Every place the draft says a line went, as line number → texts. */
function linesInOutput(draft: PublishedMeetingDraft): Map<number, string[]> {
  const found = new Map<number, string[]>();
  const add = ({ line, text }: SourceLine): void => {
    found.set(line, [...(found.get(line) ?? []), text]);
  };
  const itemSources = (item: Item): SourceLine[] => [
    ...item.sources,
    ...(item.lead ? [item.lead.source] : []),
    ...[...item.focus, ...item.papers, ...item.actions, ...item.decisions].map((part) => part.source),
  ];
  [
    ...draft.meeting.sources,
    ...(draft.meeting.chair ? [draft.meeting.chair.source] : []),
    ...draft.attendees.map((attendee) => attendee.source),
    ...draft.items.flatMap(itemSources),
    ...(draft.nextMeeting?.sources ?? []),
    ...draft.unrecognised,
  ].forEach(add);
  for (const note of draft.items.flatMap((item) => item.notes)) {
    note.text.split("\n").forEach((text, offset) => add({ line: note.line + offset, text }));
  }
  return found;
}

function expectNothingDropped(input: string): void {
  const found = linesInOutput(parsePublishedMeeting(input));
  input.split(/\r\n|\r|\n/).forEach((line, index) => {
    if (line.trim() !== "") expect(found.get(index + 1), `line ${index + 1}`).toContain(line.trim());
  });
}

const itemNumbered = (draft: PublishedMeetingDraft, number: number): Item => {
  const item = draft.items.find((candidate) => candidate.number === number);
  if (!item) throw new Error(`no item ${number}`);
  return item;
};

describe("West Mercia Q2 2023/24 performance meeting notes (real example)", () => {
  const draft = parsePublishedMeeting(fixture(WEST_MERCIA));

  it("reads the header", () => {
    expect(draft.meeting).toMatchObject({
      title: "Quarter 2 Performance -2023/24 Meeting Notes",
      type: "Performance",
      documentKind: "notes",
      period: { label: "Quarter 2 – 2023/24", quarter: 2, year: "2023/24" },
      date: "2023-12-11",
      startTime: null,
      venue: null,
      chair: {
        name: "John Campion",
        abbreviation: "PCC",
        source: { line: 5, text: "Chair: PCC John Campion" },
      },
    });
  });

  it("reads all six attendees with the abbreviations the notes use", () => {
    expect(
      draft.attendees.map(({ name, role, abbreviation, abbreviationRaw, kind }) => [
        name,
        role,
        abbreviation,
        abbreviationRaw,
        kind,
      ]),
    ).toEqual([
      ["John Campion", "Police and Crime Commissioner", "PCC", "PCC", "present"],
      ["Marc Bayliss", "Deputy Police and Crime Commissioner", "DPCC", "DPCC", "present"],
      ["Charity Pearce", "Policy Officer", "CP", "CP", "present"],
      ["Nicola Lowery", null, "NL", "NL", "present"],
      ["Alex Murray", "Deputy Chief Constable", "T/CC", "T/CC", "present"],
      ["Richard Cooper", "Assistant Chief Constable", "T/DCC", "T/DCC Cooper", "present"],
    ]);
  });

  it("reads every numbered item, including the gap where 5 is skipped", () => {
    expect(draft.items.map((item) => [item.number, item.title])).toEqual([
      [1, "Review of Action Tracker"],
      [2, "Quarterly HMICFRS Update"],
      [3, "Chief Constable Assessment on Quarterly Performance"],
      [4, "Quarterly Update on Performance / Activity Related to the National Priorities for Policing"],
      [6, "Summary of Actions Arising"],
      [7, "Any Other Business"],
      [8, "Confirmation of Next Meeting Type / Date / Time / Venue"],
    ]);
  });

  it("keeps sub-headings as headings and paragraphs verbatim", () => {
    const headings = (number: number): string[] =>
      itemNumbered(draft, number)
        .notes.filter((note) => note.kind === "heading")
        .map((note) => note.text);
    expect(headings(3)).toEqual([
      "Safer West Mercia Plan and Budget Priorities",
      "Outcomes – focus on current performance and most similar groups (MSGs) comparison data",
      "Complaints and conducts",
      "Increase in Acquisitive Crime (Residential burglary, vehicle offences, shoplifting and bicycle theft)",
    ]);
    expect(headings(4)).toEqual([
      "Serious Violence",
      "Improving satisfaction among victims, with a particular focus on victims of domestic abuse (DA):",
      "Drugs and county lines",
    ]);
    const paragraph = itemNumbered(draft, 2).notes.find((note) => note.line === 31);
    // Curly apostrophe kept as published.
    expect(paragraph?.text).toBe(
      "The T/CC confirmed the force\u2019s disappointment that the cause of concern remains and particularly the lack of progress in supervisory oversight. The PCC queried next steps to deliver improvements.",
    );
    expect(itemNumbered(draft, 7).notes).toEqual([]);
  });

  it("reads the next meeting from item 8", () => {
    expect(draft.nextMeeting).toEqual({
      type: "Thematic",
      theme: "Violence Against Women & Girls",
      date: "2023-12-19",
      startTime: null,
      endTime: null,
      venue: null,
      sources: [{ line: 121, text: "Thematic – Violence Against Women & Girls 19.12.2023" }],
    });
  });

  it("keeps the page's accessibility menu as unrecognised, not dropped", () => {
    expect(draft.unrecognised).toEqual([
      {
        line: 1,
        text: "Accessibility Settings Skip to main content",
        reason: "not recognised in the meeting header",
        keptInItem: null,
      },
    ]);
  });

  it("summarises what was recognised and what is missing", () => {
    expect(draft.summary).toEqual({
      attendees: { present: 6, apologies: 0, guest: 0, observer: 0, "minute-taker": 0 },
      itemNumbers: [1, 2, 3, 4, 6, 7, 8],
      focusPoints: 0,
      papers: 0,
      actions: 0,
      decisions: 0,
      noteBlocks: 44,
      unrecognised: 1,
      missing: ["time", "venue"],
    });
  });

  it("produces output that satisfies its own schema and survives JSON", () => {
    expect(PublishedMeetingDraftSchema.parse(JSON.parse(JSON.stringify(draft)))).toEqual(draft);
  });
});

describe("sample agenda (Windows line endings, nested bullets, papers)", () => {
  const draft = parsePublishedMeeting(fixture(AGENDA));

  it("reads the multi-line header and keeps the unknown first line", () => {
    expect(draft.meeting).toMatchObject({
      title: "Assurance & Accountability – Performance",
      type: "Assurance & Accountability – Performance",
      documentKind: "agenda",
      period: { label: "Quarter 1 – 2024/25", quarter: 1 },
      date: "2024-05-22",
      startTime: "10:00",
      endTime: "12:00",
      venue: "Meeting Room 2, Northshire Police Headquarters",
      chair: { name: "Alex Example", abbreviation: "PCC" },
    });
    expect(draft.unrecognised.map((line) => line.line)).toEqual([1]);
  });

  it("reads un-bulleted attendees in either dash style", () => {
    expect(draft.attendees.map((a) => [a.name, a.abbreviation, a.kind])).toEqual([
      ["Alex Example", "PCC", "present"],
      ["Sam Sample", "DPCC", "present"],
      ["Jordan Placeholder", "CC", "present"],
      ["Casey Fictional", "T/DCC", "present"],
      ["Robin Invented", "CFO", "present"],
    ]);
  });

  it("reads leads from a trailing bracket or a Lead: line", () => {
    expect(draft.items.map((item) => item.lead?.people ?? null)).toEqual([
      ["PCC", "CC"],
      ["PCC", "T/DCC"],
      ["CC"],
      ["CFO"],
      null,
      null,
    ]);
    expect(itemNumbered(draft, 1).title).toBe("Review of Action Tracker");
    expect(itemNumbered(draft, 4)).toMatchObject({ title: "Finance Update", purpose: "information" });
  });

  it("nests focus bullets by indentation and by Word's 'o' glyph", () => {
    const levels = (number: number): Array<[number, string]> =>
      itemNumbered(draft, number).focus.map((point) => [point.level, point.text]);
    expect(levels(2)).toEqual([
      [0, "Progress against the Victim Service Assessment (VSA) cause of concern"],
      [1, "Supervisory oversight of investigations"],
      [1, "Timeliness of victim updates"],
      [0, "Areas for improvement outstanding from the PEEL inspection"],
    ]);
    expect(levels(3)).toEqual([
      [0, "Bringing offenders to justice"],
      [1, "Charge and summons rates"],
      [2, "Rape and serious sexual offences"],
      [1, "Out of court disposals"],
      [0, "Neighbourhood crime"],
      [0, "Victim satisfaction"],
    ]);
  });

  it("reads papers with recipients and deadlines, including bullets under a bare Papers: line", () => {
    const papers = draft.items.flatMap((item) =>
      item.papers.map((paper) => [item.number, paper.submitTo, paper.deadline]),
    );
    expect(papers).toEqual([
      [1, "OPCC", "2024-05-13T09:00"],
      [2, "OPCC", "2024-05-13T09:00"],
      [3, "OPCC", "2024-05-15T12:00"],
      [3, null, null],
      [4, null, null],
    ]);
    expect(itemNumbered(draft, 3).notes.map((note) => note.text)).toEqual(["The PCC will focus on:"]);
  });

  it("reads the next meeting from labelled lines", () => {
    expect(draft.nextMeeting).toMatchObject({
      type: "Thematic",
      theme: "Neighbourhood Policing",
      date: "2024-06-18",
      startTime: "14:00",
      endTime: "16:00",
      venue: "Online (Microsoft Teams)",
    });
    expect(draft.summary.missing).toEqual([]);
  });
});

describe("sample governance board minutes", () => {
  const draft = parsePublishedMeeting(fixture(BOARD));

  it("reads the header", () => {
    expect(draft.meeting).toMatchObject({
      type: "Governance Board",
      documentKind: "minutes",
      date: "2024-08-22",
      startTime: "14:00",
      endTime: "15:30",
      venue: "Conference Room 1, OPCC Offices",
      chair: { name: "Alex Example", abbreviation: "PCC" },
    });
  });

  it("reads 'Name (ABBR) Role' attendance in every section", () => {
    expect(draft.attendees.map((a) => [a.name, a.abbreviation, a.role, a.kind])).toEqual([
      ["Alex Example", "PCC", "Police and Crime Commissioner", "present"],
      ["Robin Invented", "CFO", "Chief Finance Officer", "present"],
      ["Pat Madeup", "CEO", "Chief Executive, OPCC", "present"],
      ["Jordan Placeholder", "CC", "Chief Constable", "present"],
      ["Lee Notreal", "LN", "Business Support Officer (minutes)", "minute-taker"],
      ["Sam Sample", "DPCC", "Deputy Police and Crime Commissioner", "apologies"],
      ["Chris Imaginary", "CI", "Head of Estates", "apologies"],
      ["Morgan Fabricated", "MF", "Head of Estates, Northshire Police", "guest"],
      ["Taylor Pretend", "TP", "Independent Audit Committee member", "observer"],
    ]);
  });

  it("reads item references and purposes from headings and their own lines", () => {
    expect(draft.items.map((item) => [item.number, item.title, item.ref, item.purpose])).toEqual([
      [1, "Welcome, Apologies and Declarations of Interest", null, null],
      [2, "Minutes and Action Log", "Ref/02/22/08/2024", "agreement"],
      [3, "Estates Strategy Refresh", "Ref/03/22/08/2024", "decision"],
      [4, "Quarterly Budget Monitoring", "Ref/04/22/08/2024", "information"],
      [5, "Risk Register", null, "discussion"],
      [6, "Any Other Business", null, null],
      [7, "Date of Next Meeting", null, null],
    ]);
  });

  it("reads decisions with their references", () => {
    expect(draft.items.flatMap((item) => item.decisions.map((d) => [item.number, d.ref, d.text]))).toEqual([
      [2, null, "Minutes of 25 July 2024 approved."],
      [3, "Ref/03/22/08/2024", "The PCC approved option B, subject to the business case."],
      [4, null, "Noted."],
    ]);
  });

  it("reads numbered actions with owners and due dates", () => {
    expect(
      draft.items.flatMap((item) => item.actions.map((a) => [a.number, a.owners, a.description, a.due])),
    ).toEqual([
      ["2024/07", ["CFO"], "circulate the revised treasury management statement – complete.", null],
      ["2024/11", ["MF", "RI"], "bring the full business case by 30/09/2024", "2024-09-30"],
      ["2024/12", ["CEO"], "Publish the decision record on the OPCC website by 06/09/2024.", "2024-09-06"],
      ["2024/13", ["CFO"], "Review the overtime forecast – Due: 31/10/2024", "2024-10-31"],
    ]);
  });

  it("keeps an empty Action: line in the item's notes and lists it as unrecognised", () => {
    expect(draft.unrecognised).toEqual([
      { line: 49, text: "Action:", reason: "action has no description", keptInItem: 5 },
    ]);
    expect(itemNumbered(draft, 5).notes.at(-1)).toEqual({
      kind: "paragraph",
      text: "Action:",
      line: 49,
      endLine: 49,
    });
  });

  it("merges consecutive lines into one verbatim paragraph", () => {
    expect(itemNumbered(draft, 3).notes).toEqual([
      {
        kind: "paragraph",
        text: "MF presented the options appraisal for the northern hub.\nMembers asked about the disposal timetable and the effect on response times.",
        line: 33,
        endLine: 34,
      },
    ]);
  });

  it("reads a one-line next meeting", () => {
    expect(draft.nextMeeting).toMatchObject({
      type: "Governance Board",
      date: "2024-09-26",
      startTime: "14:00",
      endTime: "15:30",
    });
    expect(draft.summary.missing).toEqual(["period"]);
  });
});

describe("sample thematic meeting notes", () => {
  const draft = parsePublishedMeeting(fixture(THEMATIC));

  it("reads the type and theme from the title", () => {
    expect(draft.meeting).toMatchObject({
      type: "Thematic",
      theme: "Violence Against Women & Girls",
      period: null,
      date: "2023-12-19",
      startTime: "14:00",
      endTime: "16:00",
      venue: "Online",
      chair: { name: "Sam Sample", role: "Deputy Police and Crime Commissioner", abbreviation: "DPCC" },
    });
    expect(draft.summary.missing).toEqual([]);
  });

  it("reads '-' and '*' bullets, observers, minute-taker and inline apologies", () => {
    expect(draft.attendees.map((a) => [a.name, a.abbreviation, a.kind])).toEqual([
      ["Sam Sample", "DPCC", "present"],
      ["Jordan Placeholder", "CC", "present"],
      ["Dr Riley Makebelieve", "HoPP", "present"],
      ["Avery Untrue", "AU", "present"],
      ["Quinn Storybook", null, "minute-taker"],
      ["Drew Fable", "DF", "observer"],
      ["Casey Fictional", "T/DCC", "apologies"],
    ]);
    expect(draft.attendees[3]?.role).toBe("Victims' Commissioner Liaison, OPCC");
  });

  it("splits a heading from the paragraph under it even without a blank line", () => {
    expect(itemNumbered(draft, 2).notes.map((note) => [note.kind, note.line, note.endLine])).toEqual([
      ["heading", 22, 22],
      ["paragraph", 23, 24],
      ["heading", 26, 26],
      ["paragraph", 28, 28],
    ]);
    expect(itemNumbered(draft, 2).title).toBe("The Force's VAWG Delivery Plan");
  });

  it("keeps curly quotes verbatim in the notes and trims trailing no-break spaces", () => {
    expect(itemNumbered(draft, 1).notes[0]?.text).toBe(
      "Introductions were made. The DPCC explained the \u201cthematic\u201d format and that these notes will be published.",
    );
  });

  it("reads actions without numbers and bullets after them", () => {
    expect(itemNumbered(draft, 2).actions[0]).toMatchObject({
      number: "2023/21",
      owners: ["CC"],
      due: "2024-01-31",
    });
    expect(itemNumbered(draft, 2).focus.map((point) => point.text)).toEqual([
      "Breach rates by local policing area",
      "Time from breach report to arrest",
    ]);
    expect(itemNumbered(draft, 3).actions[0]).toMatchObject({
      number: null,
      owners: ["HoPP"],
      description: "share the group's terms of reference.",
    });
  });

  it("keeps an out-of-sequence numbered line in the notes instead of starting an item", () => {
    expect(draft.items.map((item) => item.number)).toEqual([1, 2, 3, 4]);
    expect(draft.unrecognised).toEqual([
      {
        line: 35,
        text: "2. The group meets quarterly and reports to the DPCC.",
        reason: "numbered line out of sequence, kept as notes",
        keptInItem: 3,
      },
    ]);
  });

  it("reads type, date and times from a one-line next meeting", () => {
    expect(draft.nextMeeting).toMatchObject({
      type: "Assurance & Accountability – Performance",
      theme: null,
      date: "2024-03-14",
      startTime: "10:00",
      endTime: "12:00",
    });
  });
});

describe("never drops text", () => {
  it.each([WEST_MERCIA, AGENDA, BOARD, THEMATIC])(
    "every non-blank line of %s appears in the output",
    (name) => {
      expectNothingDropped(fixture(name));
    },
  );

  it("also for header junk, bad field values and text in odd places", () => {
    expectNothingDropped(
      [
        "Cookie banner: accept all",
        "Date: sometime soon",
        "• not a person at all 123",
        "Random preamble sentence.",
        "1. Only item",
        "Decision:",
        "Purpose: lunch",
        "Lead:",
        "  - a bullet",
        "Trailing footer text",
      ].join("\n"),
    );
  });
});

describe("robustness", () => {
  it("treats Windows, old Mac and Unix line endings alike", () => {
    const lines = ["Date: 11/12/2023", "Chair: PCC Jo Bloggs", "1. Item one", "Some notes."];
    const unix = parsePublishedMeeting(lines.join("\n"));
    expect(parsePublishedMeeting(lines.join("\r\n"))).toEqual(unix);
    expect(parsePublishedMeeting(lines.join("\r"))).toEqual(unix);
  });

  it("copes with no-break spaces, odd spacing, em dashes and spaced hyphens", () => {
    const draft = parsePublishedMeeting(
      [
        "Date:\u00a0\u00a0 11th\u00a0December   2023",
        "Time:  10:00\u201412:00",
        "Present:",
        "Jo\u00a0Bloggs  -  Chief Constable  (CC)",
        "1.\u00a0Review",
      ].join("\n"),
    );
    expect(draft.meeting).toMatchObject({ date: "2023-12-11", startTime: "10:00", endTime: "12:00" });
    expect(draft.attendees[0]).toMatchObject({
      name: "Jo Bloggs",
      role: "Chief Constable",
      abbreviation: "CC",
    });
    expect(draft.items[0]?.title).toBe("Review");
  });

  it("reports header fields whose values cannot be read", () => {
    const draft = parsePublishedMeeting("Date: 31/02/2024\nTime: later\n1. Item");
    expect(draft.meeting.date).toBeNull();
    expect(draft.unrecognised.map((line) => [line.line, line.reason])).toEqual([
      [1, "header field value not understood"],
      [2, "header field value not understood"],
    ]);
    expect(draft.summary.missing).toContain("date");
  });

  it("returns an empty draft for empty input", () => {
    const draft = parsePublishedMeeting("");
    expect(draft.items).toEqual([]);
    expect(draft.unrecognised).toEqual([]);
    expect(draft.summary.missing).toEqual([
      "title",
      "type",
      "period",
      "date",
      "time",
      "venue",
      "chair",
      "attendees",
      "nextMeeting",
    ]);
  });
});
