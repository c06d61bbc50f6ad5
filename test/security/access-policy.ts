import type { Access } from "../../src/modules/auth/access.js";

/**
 * Who may reach each route, written down here apart from the routes' own declarations, so that the
 * authorisation matrix tests the app against this policy and not against itself: a route declared
 * with the wrong rule (an editor's page made public, say) fails. Changing who may reach a route means
 * changing this list too, in the same reviewed commit. See docs/threat-model.md for the principals.
 *
 * A route not listed is for the OPCC's editors (admin and opcc) only: every form that creates or
 * changes a record, every import and every edit page. Routes are named as the app registers them.
 */
const everyone = [
  "GET /healthz",
  "GET /",
  "GET /favicon.ico",
  "GET /sign-in",
  "POST /sign-in",
  "POST /sign-out",
  // The public record: published meetings, papers, reports, statements and measures. What is not yet
  // published is hidden by the page itself (tested with each module), not by the route.
  "GET /meetings",
  "GET /meetings/:id",
  "GET /meetings/:id/agenda.pdf",
  "GET /meetings/:id/agenda.docx",
  "GET /meetings/:id/notes.pdf",
  "GET /meetings/:id/notes.docx",
  "GET /papers/:id",
  "GET /calendar.ics",
  "GET /peel-and-inspections",
  "GET /peel-and-inspections/responses/:id",
  "GET /measures",
  "GET /measures/:id",
  "GET /api/measures",
  "GET /api/measures/:id/series",
  "GET /api/docs",
  "GET /performance",
  "GET /performance.csv",
  "GET /reports/quarterly/:period",
  "GET /reports/quarterly/:period.pdf",
  "GET /reports/quarterly/:period.docx",
  "GET /publications",
  "GET /publications/national-priorities",
  "GET /publications/national-priorities/:id",
  "GET /publications/complaints",
  "GET /publications/performance",
];

/** Reading the working record: every signed-in user, the panel and the force included. */
const signedIn = [
  "GET /account/password",
  "POST /account/password",
  "GET /actions",
  "GET /actions/changes",
  "GET /actions/:id",
  "GET /actions/evidence/:id",
  "GET /calendar/private.ics",
  "GET /inspections",
  "GET /inspections/:id",
  "GET /inspections/findings/:id",
  "GET /inspections/evidence/:id",
  "GET /inspections/:id/response",
  "GET /reports",
];

/** What the force does: submit papers, update its actions and its progress on HMICFRS findings. */
const editorsAndForce = [
  "GET /papers/requests/:id/upload",
  "POST /papers/requests/:id/upload",
  "GET /actions/:id/update",
  "POST /actions/:id/update",
  "POST /inspections/findings/:id/updates",
  "POST /inspections/findings/:id/status",
];

/** Users, roles, the audit log, Most Similar Groups and meeting types: administrators only. */
const administrators = [
  "GET /admin/users",
  "GET /admin/users/new",
  "POST /admin/users",
  "POST /admin/users/:id/role",
  "POST /admin/users/:id/disable",
  "POST /admin/users/:id/enable",
  "POST /admin/users/:id/reset-password",
  "GET /admin/audit",
  "GET /admin/msg-groups",
  "GET /admin/msg-groups/edit",
  "GET /admin/msg-groups/:forceId",
  "POST /admin/msg-groups/:forceId",
  "GET /meetings/types",
  "POST /meetings/types/:id",
];

const policy = new Map<string, Access>([
  ...everyone.map((route): [string, Access] => [route, "public"]),
  ...signedIn.map((route): [string, Access] => [route, "signed-in"]),
  ...editorsAndForce.map((route): [string, Access] => [route, ["admin", "opcc", "force"]]),
  ...administrators.map((route): [string, Access] => [route, ["admin"]]),
]);

const editors: Access = ["admin", "opcc"];

/** Who the policy lets reach a route. */
export function expectedAccess(method: string, url: string): Access {
  return policy.get(`${method} ${url}`) ?? editors;
}

/** Routes the policy names: each must exist, or the list has gone stale. */
export const routesNamed = [...policy.keys()];
