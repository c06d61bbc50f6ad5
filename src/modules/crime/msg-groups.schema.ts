import { z } from "zod";

const forceId = z.string().regex(/^[a-z-]+$/, "Choose forces from the list");

export const msgGroupFormSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Enter a name that says what the group is (for example, whether it is the Home Office's)")
    .max(200, "The name must be 200 characters or fewer"),
  note: z.string().trim().max(2000, "The note must be 2,000 characters or fewer").default(""),
  // One checkbox ticked arrives as a string, several as an array, none not at all.
  members: z
    .union([forceId, z.array(forceId)])
    .optional()
    .transform((value) => (value === undefined ? [] : typeof value === "string" ? [value] : value)),
});
export type MsgGroupForm = z.infer<typeof msgGroupFormSchema>;
