import ical, { type ICalCalendar } from "ical-generator";

/**
 * Meeting dates, times and paper deadlines are UK wall-clock values, so events carry TZID=Europe/London and this
 * definition of it (GMT, and BST from the last Sunday of March to the last Sunday of October, since 1996).
 */
const europeLondon = [
  "BEGIN:VTIMEZONE",
  "TZID:Europe/London",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+0000",
  "TZOFFSETTO:+0100",
  "TZNAME:BST",
  "DTSTART:19700329T010000",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0100",
  "TZOFFSETTO:+0000",
  "TZNAME:GMT",
  "DTSTART:19701025T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
  "END:STANDARD",
  "END:VTIMEZONE",
].join("\r\n");

export interface CalendarMeeting {
  id: number;
  title: string;
  date: string;
  start_time: string | null;
  end_time: string | null;
  venue: string | null;
  status: string;
}

export interface CalendarDeadline {
  id: number;
  description: string;
  provider: string;
  /** Local date-time "YYYY-MM-DDTHH:MM". */
  deadline: string;
  meeting_title: string;
  item_number: number;
  item_title: string;
}

/** A wall-clock value without a zone: `Date` parses it as local time, and ical-generator writes it back unchanged. */
const wallClock = (date: string, time = "00:00") => `${date}T${time.slice(0, 5)}:00`;

export function buildCalendar(
  name: string,
  meetings: CalendarMeeting[],
  deadlines: CalendarDeadline[] = [],
): ICalCalendar {
  const calendar = ical({
    name,
    prodId: { company: "Scrutineer", product: "Scrutineer", language: "EN" },
    // No calendar-wide zone, so DTSTAMP stays in UTC; the events name theirs and get its definition.
    timezone: { name: null, generator: (zone) => (zone === "Europe/London" ? europeLondon : null) },
  });
  for (const meeting of meetings) {
    const timed = meeting.start_time !== null;
    calendar.createEvent({
      id: `meeting-${meeting.id}@scrutineer`,
      summary: meeting.status === "cancelled" ? `Cancelled: ${meeting.title}` : meeting.title,
      start: wallClock(meeting.date, meeting.start_time ?? undefined),
      end: timed && meeting.end_time ? wallClock(meeting.date, meeting.end_time) : null,
      allDay: !timed,
      timezone: "Europe/London",
      location: meeting.venue,
    });
  }
  for (const deadline of deadlines) {
    const [date = "", time] = deadline.deadline.split("T");
    calendar.createEvent({
      id: `paper-request-${deadline.id}@scrutineer`,
      summary: `Paper due: ${deadline.description}`,
      description: `${deadline.provider} to submit for item ${deadline.item_number}, ${deadline.item_title}, of ${deadline.meeting_title}`,
      start: wallClock(date, time),
      timezone: "Europe/London",
    });
  }
  return calendar;
}
