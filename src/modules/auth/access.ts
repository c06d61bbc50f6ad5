import type { Role, UserRow } from "../../db/schema.js";

/**
 * Who may use a route. Every route declares one (app.ts refuses to start otherwise), so a new route
 * cannot skip its check: `public` needs no sign-in, `signed-in` any role, or a list of roles.
 */
export type Access = "public" | "signed-in" | readonly Role[];

export type CurrentUser = Pick<UserRow, "id" | "email" | "name" | "role" | "must_change_password">;

export function isAllowed(access: Access, user: CurrentUser | null): boolean {
  if (access === "public") return true;
  if (!user) return false;
  if (access === "signed-in") return true;
  return access.includes(user.role);
}

/** Roles that edit the OPCC's records. */
export const editors = ["admin", "opcc"] as const satisfies readonly Role[];
export const adminOnly = ["admin"] as const satisfies readonly Role[];
