/**
 * Known devices: after a successful sign-in the browser keeps a signed
 * cookie naming the account (`gz_device`, HttpOnly, a year, sent only to the
 * sign-in endpoint). Sign-ins from such a browser skip the per-account
 * slowdown an attack on that account triggers (store/session-store.ts), so
 * the owner keeps getting in while the attacker waits. The key is made once
 * and kept in the settings table, shared by every app process.
 */
import crypto from "node:crypto";
import type { Db } from "../store/database.ts";
import { settingOrInit } from "../store/settings-store.ts";

export const DEVICE_COOKIE = "gz_device";
export const DEVICE_COOKIE_PATH = "/api/admin/session";
const KEY_SETTING = "device_signing_key";

async function key(db: Db): Promise<Buffer> {
  return Buffer.from(
    await settingOrInit(db, KEY_SETTING, () => crypto.randomBytes(32).toString("base64url")),
    "base64url",
  );
}

const sign = (k: Buffer, userId: number) =>
  crypto.createHmac("sha256", k).update(`device:${userId}`).digest("base64url");

export async function deviceToken(db: Db, userId: number): Promise<string> {
  return `${userId}.${sign(await key(db), userId)}`;
}

/** True when the cookie is one this site gave after `userId` signed in. */
export async function isKnownDevice(db: Db, cookie: string | undefined, userId: number): Promise<boolean> {
  const m = /^(\d{1,12})\.([\w-]{43})$/.exec(cookie ?? "");
  if (!m || Number(m[1]) !== userId) return false;
  const expected = Buffer.from(sign(await key(db), userId));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
