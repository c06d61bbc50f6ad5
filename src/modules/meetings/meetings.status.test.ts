import { describe, expect, it } from "vitest";
import { ValidationError } from "../../lib/errors.js";
import { assertTransition, nextStatuses, notesArePublic, publicAgendaStatuses } from "./meetings.status.js";
import { meetingStatuses, type MeetingStatus } from "./meetings.tables.js";

describe("meeting status transitions", () => {
  it("walks the whole cycle from planned to published", () => {
    const cycle: MeetingStatus[] = [
      "planned",
      "agenda-published",
      "held",
      "notes-drafted",
      "notes-approved",
      "published",
    ];
    for (let step = 1; step < cycle.length; step++) {
      expect(() => assertTransition(cycle[step - 1]!, cycle[step]!)).not.toThrow();
    }
  });

  it("refuses to skip approval, and names both statuses", () => {
    expect(() => assertTransition("notes-drafted", "published")).toThrow(
      "A meeting that is notes drafted cannot become published",
    );
    expect(() => assertTransition("planned", "held")).toThrow(ValidationError);
  });

  it("lets a meeting be cancelled or postponed only before it is held", () => {
    expect(nextStatuses("planned")).toContain("cancelled");
    expect(nextStatuses("agenda-published")).toContain("postponed");
    expect(nextStatuses("held")).not.toContain("cancelled");
    expect(nextStatuses("postponed")).toEqual(["planned"]);
  });

  it("ends at published and cancelled", () => {
    expect(nextStatuses("published")).toEqual([]);
    expect(nextStatuses("cancelled")).toEqual([]);
  });

  it("never moves a meeting to the status it already has", () => {
    for (const status of meetingStatuses) expect(nextStatuses(status)).not.toContain(status);
  });

  it("shows notes publicly only once published, agendas from agenda-published on", () => {
    expect(meetingStatuses.filter(notesArePublic)).toEqual(["published"]);
    expect(publicAgendaStatuses).not.toContain("planned");
    expect(publicAgendaStatuses).not.toContain("cancelled");
  });
});
