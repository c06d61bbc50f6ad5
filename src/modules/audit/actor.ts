/** Who did something, as the audit log records it. */
export interface Actor {
  userId: number | null;
  /** Human-readable: the user's email, or e.g. "cli (root)" or "system". */
  label: string;
  ip: string | null;
}

export const systemActor: Actor = { userId: null, label: "system", ip: null };
