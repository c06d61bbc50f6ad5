import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { cliActor, withDatabase } from "../../cli/context.js";
import { parsePublishedMeeting, type PublishedMeetingDraft } from "./import/parse-published.js";
import { importPublishedMeeting } from "./meetings-import.service.js";

/** A few lines a person can read: what was recognised, and what was not (with line numbers). */
function describeDraft(draft: PublishedMeetingDraft): string {
  const { meeting, summary } = draft;
  const attendance = Object.entries(summary.attendees)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(", ");
  const lines = [
    `Meeting: ${meeting.title ?? "(no title)"} on ${meeting.date ?? "(no date)"}`,
    `Attendees: ${attendance || "none"}`,
    `Items: ${summary.itemNumbers.join(", ") || "none"}`,
    `Next meeting: ${draft.nextMeeting ? `${draft.nextMeeting.type ?? ""} ${draft.nextMeeting.theme ?? ""} ${draft.nextMeeting.date ?? ""}`.trim() : "not found"}`,
    `Not given: ${summary.missing.join(", ") || "nothing"}`,
    `Not recognised (kept verbatim in the nearest item's notes): ${summary.unrecognised} line(s)`,
    ...draft.unrecognised.map((line) => `  line ${line.line}: ${line.text} (${line.reason})`),
  ];
  return `${lines.join("\n")}\n`;
}

export function registerMeetingCommands(program: Command): void {
  const meetings = program.command("meetings").description("meetings, agendas and notes");
  meetings
    .command("import")
    .description("read the text of a published agenda or notes page into a draft meeting")
    .argument("<file>", "a text file: the published page's text")
    .option("--dry-run", "show what was recognised without saving")
    .option("--json", "print the recognised draft as JSON")
    .action(async (file: string, options: { dryRun?: boolean; json?: boolean }) => {
      const text = await readFile(file, "utf8");
      if (options.dryRun) {
        const draft = parsePublishedMeeting(text);
        process.stdout.write(options.json ? `${JSON.stringify(draft, null, 2)}\n` : describeDraft(draft));
        return;
      }
      await withDatabase(async (db) => {
        const { meeting, draft, records } = await importPublishedMeeting(db.kysely, cliActor, text);
        const recorded = {
          actions: records.actions.map((action) => `${action.year}/${action.number}`),
          decisions: records.decisions.map((decision) => decision.ref),
          notRecorded: records.notRecorded,
        };
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ meetingId: meeting.id, status: meeting.status, ...draft, recorded }, null, 2)}\n`,
          );
        } else {
          process.stdout.write(`Saved draft meeting ${meeting.id}: ${meeting.title} (${meeting.status})\n`);
          process.stdout.write(describeDraft(draft));
          process.stdout.write(
            [
              `Actions raised in the tracker: ${recorded.actions.join(", ") || "none"}`,
              `Decisions recorded: ${recorded.decisions.join(", ") || "none"}`,
              ...records.notRecorded.map(
                (line) => `  line ${line.line} kept in the notes only: ${line.text} (${line.reason})`,
              ),
              "",
            ].join("\n"),
          );
        }
      });
    });
}
