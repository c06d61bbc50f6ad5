import { z } from "zod";
import { roles } from "../../db/schema.js";
import { minimumPasswordLength } from "./password.js";

export const roleSchema = z.enum(roles, { error: "Choose a role" });

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter an email address in the correct format, like name@example.org" }));

export const passwordSchema = z
  .string()
  .min(minimumPasswordLength, { error: `Password must be ${minimumPasswordLength} characters or more` })
  .max(200, { error: "Password must be 200 characters or fewer" });

export const newUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1, { error: "Enter the person's name" }).max(200),
  role: roleSchema,
});
export type NewUserInput = z.infer<typeof newUserSchema>;

export const roleLabels: Record<z.infer<typeof roleSchema>, string> = {
  admin: "Administrator",
  opcc: "OPCC staff",
  force: "Force contributor",
  panel: "Panel member (read-only)",
};
