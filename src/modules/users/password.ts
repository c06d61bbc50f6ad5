import { randomBytes } from "node:crypto";
import argon2 from "argon2";

// argon2id with the library's defaults (64 MiB, t=3, p=4): OWASP's recommended family and above its minimum cost.
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A password for a person to read once and type: 20 characters without look-alikes (about 110 bits). */
export function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(20);
  let password = "";
  for (const byte of bytes) password += alphabet[byte % alphabet.length];
  return password;
}

export const minimumPasswordLength = 12;
