import { z } from "zod";
import { passwordSchema } from "../users/users.schema.js";

export const signInSchema = z.object({
  email: z.string().trim().min(1, { error: "Enter your email address" }).max(320),
  password: z.string().min(1, { error: "Enter your password" }).max(200),
});

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, { error: "Enter your current password" }),
    newPassword: passwordSchema,
    confirmPassword: z.string(),
  })
  .refine((form) => form.newPassword === form.confirmPassword, {
    path: ["confirmPassword"],
    error: "The passwords do not match",
  })
  .refine((form) => form.newPassword !== form.currentPassword, {
    path: ["newPassword"],
    error: "Choose a password different from your current one",
  });

/** Only a path on this site: never "//host" or "https://…", so sign-in cannot redirect elsewhere. */
export function safeNextPath(next: unknown): string {
  return typeof next === "string" && /^\/(?![/\\])/.test(next) ? next : "/";
}
