import { isAllowed, type Access, type CurrentUser } from "../auth/access.js";

interface NavigationEntry {
  href: string;
  text: string;
  access: Access;
}

/** The main menu. Each module adds its entry here; a person sees only what their role may open. */
const entries: NavigationEntry[] = [
  { href: "/", text: "Home", access: "public" },
  { href: "/meetings", text: "Meetings", access: "public" },
  { href: "/admin/users", text: "Users", access: ["admin"] },
  { href: "/admin/audit", text: "Audit log", access: ["admin"] },
  { href: "/admin/msg-groups", text: "Most Similar Groups", access: ["admin"] },
  { href: "/actions", text: "Actions", access: "signed-in" },
  { href: "/inspections", text: "Inspections", access: "signed-in" },
  { href: "/measures", text: "Measures", access: "public" },
  { href: "/performance", text: "Performance", access: "public" },
  { href: "/reports", text: "Reports", access: "signed-in" },
  { href: "/peel-and-inspections", text: "PEEL and inspections", access: "public" },
  { href: "/publications", text: "Publications", access: "public" },
  { href: "/crime-data/ingest", text: "Load police.uk data", access: ["admin", "opcc"] },
];

export function navigationFor(user: CurrentUser | null, currentUrl: string) {
  const path = currentUrl.split("?")[0] ?? "/";
  return entries
    .filter((entry) => isAllowed(entry.access, user))
    .map((entry) => ({
      href: entry.href,
      text: entry.text,
      active: entry.href === "/" ? path === "/" : path.startsWith(entry.href),
    }));
}
