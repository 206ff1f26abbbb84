/**
 * Signed preview links: `/preview/<id>?expires=<unix seconds>&sig=<HMAC>`.
 * The key is made once and kept in the settings table, so every app
 * process signs and checks with the same one; anyone with the link can
 * read the story until it expires, nobody can forge or extend one.
 */
import crypto from "node:crypto";
import type { Db } from "../store/database.ts";
import { settingOrInit } from "../store/settings-store.ts";

const KEY_SETTING = "preview_signing_key";

async function signingKey(db: Db): Promise<Buffer> {
  const key = await settingOrInit(db, KEY_SETTING, () => crypto.randomBytes(32).toString("base64url"));
  return Buffer.from(key, "base64url");
}

function signature(key: Buffer, id: number, expires: number): string {
  return crypto.createHmac("sha256", key).update(`preview:${id}:${expires}`).digest("base64url");
}

export async function previewUrl(
  db: Db,
  baseUrl: string,
  id: number,
  hours: number,
  now = new Date(),
): Promise<{ url: string; path: string; expiresAt: string }> {
  const expires = Math.floor(now.getTime() / 1000) + hours * 3600;
  const path = `/preview/${id}?expires=${expires}&sig=${signature(await signingKey(db), id, expires)}`;
  return { url: `${baseUrl}${path}`, path, expiresAt: new Date(expires * 1000).toISOString() };
}

/** True when the link is genuine and unexpired. */
export async function checkPreview(
  db: Db,
  id: number,
  expires: number,
  sig: string,
  now = new Date(),
): Promise<boolean> {
  if (!Number.isSafeInteger(expires) || expires * 1000 < now.getTime()) return false;
  const expected = Buffer.from(signature(await signingKey(db), id, expires));
  const given = Buffer.from(sig);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
