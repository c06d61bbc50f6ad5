import { sql, type Kysely } from "kysely";
import { addIdColumn } from "./helpers.js";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// Meetings, their agendas, papers, notes, lines of enquiry and decisions; people and the roles they hold over time.

const ATTENDANCE_KINDS = sql`('present', 'apologies', 'guest', 'observer', 'minute-taker')`;
const MEETING_STATUSES = sql`('planned', 'agenda-published', 'held', 'notes-drafted', 'notes-approved', 'published', 'cancelled', 'postponed')`;

/** The role titles OPCC notes abbreviate; reference data the attendance lists and item leads use. */
const ROLE_TITLES: readonly { abbreviation: string; title: string; organisation: string }[] = [
  { abbreviation: "PCC", title: "Police and Crime Commissioner", organisation: "OPCC" },
  { abbreviation: "DPCC", title: "Deputy Police and Crime Commissioner", organisation: "OPCC" },
  { abbreviation: "CEO", title: "Chief Executive Officer", organisation: "OPCC" },
  { abbreviation: "DoCS", title: "Director of Commissioning and Strategy", organisation: "OPCC" },
  { abbreviation: "CC", title: "Chief Constable", organisation: "force" },
  { abbreviation: "T/CC", title: "Temporary Chief Constable", organisation: "force" },
  { abbreviation: "DCC", title: "Deputy Chief Constable", organisation: "force" },
  { abbreviation: "T/DCC", title: "Temporary Deputy Chief Constable", organisation: "force" },
  { abbreviation: "ACC", title: "Assistant Chief Constable", organisation: "force" },
  { abbreviation: "C/Supt", title: "Chief Superintendent", organisation: "force" },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await addIdColumn(db, db.schema.createTable("role_titles"))
    .addColumn("abbreviation", "text", (col) => col.notNull().unique())
    .addColumn("title", "text", (col) => col.notNull())
    .addColumn("organisation", "text", (col) => col.notNull())
    .execute();
  await db
    .insertInto("role_titles")
    .values([...ROLE_TITLES])
    .execute();

  await addIdColumn(db, db.schema.createTable("people"))
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("user_id", "integer", (col) => col.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();
  await db.schema.createIndex("people_name").on("people").column("name").execute();

  // A role held for a date range, so a meeting shows the title its attendees held on its date.
  await addIdColumn(db, db.schema.createTable("person_roles"))
    .addColumn("person_id", "integer", (col) => col.notNull().references("people.id").onDelete("cascade"))
    .addColumn("abbreviation", "text", (col) => col.notNull())
    .addColumn("title", "text", (col) => col.notNull())
    .addColumn("organisation", "text", (col) => col.notNull())
    .addColumn("starts_on", "text", (col) => col.notNull())
    .addColumn("ends_on", "text")
    .addColumn("created_at", "text", (col) => col.notNull())
    .execute();
  await db.schema.createIndex("person_roles_person").on("person_roles").column("person_id").execute();

  await addIdColumn(db, db.schema.createTable("meeting_types"))
    .addColumn("key", "text", (col) => col.notNull().unique())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("kind", "text", (col) =>
      col.notNull().check(sql`kind in ('performance', 'thematic', 'governance')`),
    )
    .addColumn("cadence", "text")
    .addColumn("description", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();

  // The standing items a new meeting of the type starts with.
  await addIdColumn(db, db.schema.createTable("meeting_type_items"))
    .addColumn("meeting_type_id", "integer", (col) =>
      col.notNull().references("meeting_types.id").onDelete("cascade"),
    )
    .addColumn("number", "integer", (col) => col.notNull())
    .addColumn("title", "text", (col) => col.notNull())
    .addColumn("lead", "text")
    .addColumn("focus_json", "text", (col) => col.notNull().defaultTo("[]"))
    .execute();
  await db.schema
    .createIndex("meeting_type_items_type_number")
    .on("meeting_type_items")
    .columns(["meeting_type_id", "number"])
    .unique()
    .execute();

  await seedMeetingTypes(db);

  await addIdColumn(db, db.schema.createTable("meetings"))
    .addColumn("meeting_type_id", "integer", (col) => col.notNull().references("meeting_types.id"))
    .addColumn("title", "text", (col) => col.notNull())
    .addColumn("period_label", "text")
    .addColumn("theme", "text")
    .addColumn("terms_of_reference", "text")
    .addColumn("date", "text", (col) => col.notNull())
    .addColumn("start_time", "text")
    .addColumn("end_time", "text")
    .addColumn("venue", "text")
    .addColumn("chair_person_id", "integer", (col) => col.references("people.id").onDelete("set null"))
    .addColumn("status", "text", (col) => col.notNull().check(sql`status in ${MEETING_STATUSES}`))
    .addColumn("next_meeting_id", "integer", (col) => col.references("meetings.id").onDelete("set null"))
    // The next meeting as the notes confirm it, before (or without) a meeting record for it.
    .addColumn("next_meeting_json", "text")
    // Who published the material, shown with it (e.g. an imported meeting's source office).
    .addColumn("attribution", "text")
    .addColumn("published_at", "text")
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();
  await db.schema.createIndex("meetings_date").on("meetings").column("date").execute();
  await db.schema.createIndex("meetings_status").on("meetings").column("status").execute();

  await addIdColumn(db, db.schema.createTable("meeting_attendees"))
    .addColumn("meeting_id", "integer", (col) => col.notNull().references("meetings.id").onDelete("cascade"))
    .addColumn("person_id", "integer", (col) => col.notNull().references("people.id"))
    .addColumn("kind", "text", (col) => col.notNull().check(sql`kind in ${ATTENDANCE_KINDS}`))
    // The role as written for this meeting when no dated role covers it (e.g. from an import).
    .addColumn("role_text", "text")
    .addColumn("abbreviation", "text")
    .addColumn("position", "integer", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("meeting_attendees_meeting")
    .on("meeting_attendees")
    .column("meeting_id")
    .execute();

  await addIdColumn(db, db.schema.createTable("meeting_items"))
    .addColumn("meeting_id", "integer", (col) => col.notNull().references("meetings.id").onDelete("cascade"))
    .addColumn("number", "integer", (col) => col.notNull())
    .addColumn("title", "text", (col) => col.notNull())
    .addColumn("lead", "text")
    .addColumn("focus_json", "text", (col) => col.notNull().defaultTo("[]"))
    .addColumn("ref", "text")
    .addColumn("purpose", "text")
    .addColumn("notes_markdown", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("restricted", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("meeting_items_meeting_number")
    .on("meeting_items")
    .columns(["meeting_id", "number"])
    .unique()
    .execute();

  // What an item concerns elsewhere: a measure, an HMICFRS finding or an action, by that module's reference.
  await addIdColumn(db, db.schema.createTable("meeting_item_links"))
    .addColumn("meeting_item_id", "integer", (col) =>
      col.notNull().references("meeting_items.id").onDelete("cascade"),
    )
    .addColumn("target_type", "text", (col) =>
      col.notNull().check(sql`target_type in ('measure', 'finding', 'action')`),
    )
    .addColumn("target_ref", "text", (col) => col.notNull())
    .execute();

  await addIdColumn(db, db.schema.createTable("paper_requests"))
    .addColumn("meeting_item_id", "integer", (col) =>
      col.notNull().references("meeting_items.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (col) =>
      col.notNull().check(sql`kind in ('paper', 'presentation', 'action-tracker-update')`),
    )
    .addColumn("description", "text", (col) => col.notNull())
    .addColumn("provider", "text", (col) => col.notNull())
    // Local (UK) date-time "YYYY-MM-DDTHH:MM", like the meeting's date and times.
    .addColumn("deadline", "text", (col) => col.notNull())
    .addColumn("restricted", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();
  await db.schema.createIndex("paper_requests_deadline").on("paper_requests").column("deadline").execute();

  // An uploaded file; stored under a random name, the original name kept only for display and download.
  await addIdColumn(db, db.schema.createTable("papers"))
    .addColumn("paper_request_id", "integer", (col) =>
      col.notNull().references("paper_requests.id").onDelete("cascade"),
    )
    .addColumn("original_name", "text", (col) => col.notNull())
    .addColumn("stored_name", "text", (col) => col.notNull().unique())
    .addColumn("media_type", "text", (col) => col.notNull())
    .addColumn("size_bytes", "integer", (col) => col.notNull())
    .addColumn("uploaded_by", "integer", (col) => col.references("users.id"))
    .addColumn("uploaded_at", "text", (col) => col.notNull())
    .execute();
  await db.schema.createIndex("papers_request").on("papers").column("paper_request_id").execute();

  await addIdColumn(db, db.schema.createTable("lines_of_enquiry"))
    .addColumn("meeting_item_id", "integer", (col) =>
      col.notNull().references("meeting_items.id").onDelete("cascade"),
    )
    .addColumn("asked_by", "text", (col) => col.notNull())
    .addColumn("question", "text", (col) => col.notNull())
    .addColumn("response", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("assurance", "text", (col) =>
      col
        .notNull()
        .check(
          sql`assurance in ('assured', 'partially-assured', 'not-assured', 'further-information-requested')`,
        ),
    )
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();

  await addIdColumn(db, db.schema.createTable("decisions"))
    .addColumn("meeting_item_id", "integer", (col) =>
      col.notNull().references("meeting_items.id").onDelete("cascade"),
    )
    .addColumn("ref", "text", (col) => col.notNull())
    .addColumn("purpose", "text", (col) => col.notNull())
    .addColumn("outcome", "text", (col) =>
      col
        .notNull()
        .check(
          sql`outcome in ('approved', 'approved-subject-to', 'supported-in-principle', 'not-supported', 'deferred')`,
        ),
    )
    // Pence, so sums are exact.
    .addColumn("amount_pence", "integer")
    .addColumn("conditions", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();
}

/** The default meeting types; admins edit them afterwards, so these are only the starting point. */
const MEETING_TYPES = [
  {
    key: "performance",
    name: "Assurance & Accountability – Performance",
    kind: "performance",
    cadence: "quarterly",
    description: "The PCC holds the Chief Constable to account for the force's performance each quarter.",
    items: [
      { title: "Review of Action Tracker", lead: "PCC", focus: [] },
      { title: "Quarterly HMICFRS Update", lead: "CC", focus: [] },
      {
        title: "Chief Constable Assessment on Quarterly Performance",
        lead: "CC",
        focus: ["Police and Crime Plan and budget priorities", "The PCC's focus areas"],
      },
      {
        title: "Quarterly Update on the National Priorities for Policing",
        lead: "CC",
        focus: [
          "Homicide",
          "Serious violence",
          "Drugs / county lines",
          "Neighbourhood crime",
          "Satisfaction",
          "Cyber crime",
        ],
      },
      { title: "Summary of Actions Arising", lead: "PCC", focus: [] },
      { title: "Any Other Business", lead: null, focus: [] },
      { title: "Confirmation of Next Meeting Type / Date / Time / Venue", lead: "PCC", focus: [] },
    ],
  },
  {
    key: "thematic",
    name: "Assurance & Accountability – Thematic",
    kind: "thematic",
    cadence: null,
    description:
      "A meeting on one theme (e.g. Violence Against Women & Girls) with terms of reference and a briefing paper.",
    items: [
      { title: "Review of Action Tracker", lead: "PCC", focus: [] },
      { title: "Thematic Briefing Paper", lead: "CC", focus: [] },
      { title: "Summary of Actions Arising", lead: "PCC", focus: [] },
      { title: "Any Other Business", lead: null, focus: [] },
      { title: "Confirmation of Next Meeting Type / Date / Time / Venue", lead: "PCC", focus: [] },
    ],
  },
  {
    key: "governance",
    name: "Governance Board",
    kind: "governance",
    cadence: null,
    description:
      "Papers for decision, information, discussion or agreement; decisions are recorded with a reference.",
    items: [
      { title: "Minutes and Actions of the Previous Meeting", lead: "CEO", focus: [] },
      { title: "Papers for Decision", lead: null, focus: [] },
      { title: "Papers for Information", lead: null, focus: [] },
      { title: "Any Other Business", lead: null, focus: [] },
    ],
  },
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function seedMeetingTypes(db: Kysely<any>): Promise<void> {
  const at = "2026-01-01T00:00:00.000Z";
  for (const type of MEETING_TYPES) {
    const { items, ...fields } = type;
    await db
      .insertInto("meeting_types")
      .values({ ...fields, created_at: at, updated_at: at })
      .execute();
    await db
      .insertInto("meeting_type_items")
      .values(
        items.map((item, index) => ({
          meeting_type_id: db.selectFrom("meeting_types").select("id").where("key", "=", type.key),
          number: index + 1,
          title: item.title,
          lead: item.lead,
          focus_json: JSON.stringify(item.focus),
        })),
      )
      .execute();
  }
}
