import type { SuggestionKind, SuggestionStatus } from "./briefing.tables.js";

export const suggestionKindLabels: Record<SuggestionKind, string> = {
  "spc-concern": "Special cause: concern",
  "spc-improvement": "Special cause: improvement",
  "target-failing": "Target consistently missed",
  "msg-worse": "Worse than similar forces",
  "msg-better": "Better than similar forces",
  "change-vs-last-year": "Change on last year beyond chance",
  "action-overdue": "Overdue action",
  "finding-past-target": "HMICFRS finding past target date",
  "paper-late": "Late paper",
  "paper-missing": "Missing paper",
};

export const suggestionStatusTags: Record<SuggestionStatus, { text: string; classes: string }> = {
  suggested: { text: "Suggested", classes: "govuk-tag--blue" },
  accepted: { text: "Accepted", classes: "govuk-tag--green" },
  dropped: { text: "Dropped", classes: "govuk-tag--grey" },
};
