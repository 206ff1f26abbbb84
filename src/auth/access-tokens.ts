/**
 * The signed values memberships hand to browsers: the meter cookie (the
 * gated stories read this month), the pass cookie (stories opened by a gift
 * or a newsletter link), gift links and newsletter links. Each is an
 * HMAC-SHA256 under one key kept in the settings table (every process signs
 * and checks with the same one). A value that does not verify, or does not
 * parse, reads as absent: a tampered cookie is no cookie.
 */
import crypto from "node:crypto";
import type { Meter } from "../content/access.ts";
import { sameSecret } from "./signatures.ts";

const sign = (key: Buffer, purpose: string, payload: string) =>
  crypto.createHmac("sha256", key).update(`${purpose}:${payload}`).digest("base64url").slice(0, 32);

function sealed(key: Buffer, purpose: string, payload: string): string {
  return `${payload}~${sign(key, purpose, payload)}`;
}

function opened(
  key: Buffer,
  purpose: string,
  value: string | undefined,
  maxLength = 2048,
): string | undefined {
  if (!value || value.length > maxLength) return undefined;
  const at = value.lastIndexOf("~");
  if (at < 1) return undefined;
  const payload = value.slice(0, at);
  return sameSecret(value.slice(at + 1), sign(key, purpose, payload)) ? payload : undefined;
}

/** At most this many stories in a meter cookie (a meter limit above it is refused by the config). */
export const METER_MAX_IDS = 100;

/** `2026-11.12-40-7~SIG`: the month and the story ids read in it. */
export function meterCookie(key: Buffer, meter: Meter): string {
  return sealed(key, "meter", `${meter.period}.${meter.storyIds.slice(-METER_MAX_IDS).join("-")}`);
}

export function readMeterCookie(key: Buffer, value: string | undefined): Meter | undefined {
  const payload = opened(key, "meter", value);
  const m = payload?.match(/^(\d{4}-\d{2})\.((?:\d{1,12}(?:-\d{1,12})*)?)$/);
  if (!m) return undefined;
  const storyIds = m[2] ? [...new Set(m[2].split("-").map(Number))] : [];
  return { period: m[1]!, storyIds };
}

/** Stories a browser may read in full until a time: from gifts and newsletter links. */
export interface Pass {
  storyId: number;
  /** Unix seconds. */
  until: number;
}

export const PASS_MAX = 20;

export function passCookie(key: Buffer, passes: readonly Pass[]): string {
  return sealed(
    key,
    "pass",
    passes
      .slice(-PASS_MAX)
      .map((p) => `${p.storyId}.${p.until}`)
      .join("-"),
  );
}

export function readPassCookie(key: Buffer, value: string | undefined, now = new Date()): Pass[] {
  const payload = opened(key, "pass", value);
  if (!payload || !/^\d{1,12}\.\d{1,12}(?:-\d{1,12}\.\d{1,12})*$/.test(payload)) return [];
  const at = now.getTime() / 1000;
  return payload
    .split("-")
    .map((p) => {
      const [id, until] = p.split(".").map(Number);
      return { storyId: id!, until: until! };
    })
    .filter((p) => p.until > at);
}

/** A gift link's token: the gift's id, signed (its uses and expiry are on its row). */
export function giftToken(key: Buffer, giftId: number): string {
  return sealed(key, "gift", String(giftId));
}

export function readGiftToken(key: Buffer, token: string): number | undefined {
  const payload = opened(key, "gift", token, 100);
  return payload && /^\d{1,12}$/.test(payload) ? Number(payload) : undefined;
}

/** A newsletter link's token: opens one story until `until` (unix seconds), for anyone who follows it. */
export function newsletterToken(key: Buffer, storyId: number, until: number): string {
  return sealed(key, "newsletter", `${storyId}.${until}`);
}

export function readNewsletterToken(key: Buffer, token: string, now = new Date()): Pass | undefined {
  const payload = opened(key, "newsletter", token, 100);
  const m = payload?.match(/^(\d{1,12})\.(\d{1,12})$/);
  if (!m) return undefined;
  const pass = { storyId: Number(m[1]), until: Number(m[2]) };
  return pass.until > now.getTime() / 1000 ? pass : undefined;
}
