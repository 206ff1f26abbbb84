/**
 * Gated pages in the page cache: one entry per URL saying "this page varies
 * by access" (the story and its access), and one entry per variant under
 * the URL and the variant's name. A request for a gated URL is decided once
 * (a cookie check and a lookup, by the memberships gate); the decision rides
 * on the raw request, so the cache-hit path and a render on a miss agree,
 * and the meter counts a story once per request.
 */
import type { IncomingMessage } from "node:http";
import proxyAddr from "@fastify/proxy-addr";
import { parseCookie, stringifySetCookie } from "cookie";
import type { AccessGate, AccessOutcome, AccessRequest } from "../content/access.ts";
import type { Access } from "../content/model.ts";
import type { TrustFunction } from "./client-address.ts";

export interface GateSpec {
  storyId: number;
  access: Access;
}

/** The cache entry of a variant of the page at `url`. */
export const variantKey = (url: string, variant: string): string => `${url}\u0000${variant}`;

const DECIDED = Symbol("gazette.access");

/** What the gate reads of a request: its cookies and the client's address (after trusted proxies). */
function accessRequestOf(req: IncomingMessage, trust: TrustFunction): AccessRequest {
  const header = req.headers.cookie;
  return {
    cookies: header && header.length < 16_384 ? parseCookie(header) : {},
    ip: proxyAddr(req, trust),
  };
}

type Decided = IncomingMessage & { [DECIDED]?: { storyId: number; outcome: AccessOutcome } };

/**
 * The gate's outcome for this request and story: decided once per request
 * (the raw cache handler may already have), whatever asks.
 */
export async function accessOutcome(
  req: IncomingMessage,
  gate: AccessGate,
  trust: TrustFunction,
  spec: GateSpec,
): Promise<AccessOutcome> {
  const r = req as Decided;
  const done = r[DECIDED];
  if (done && done.storyId === spec.storyId) return done.outcome;
  const outcome = await gate.decide(accessRequestOf(req, trust), { id: spec.storyId, access: spec.access });
  r[DECIDED] = { storyId: spec.storyId, outcome };
  return outcome;
}

/**
 * May this request read the story in full, without counting it on the meter?
 * (Its comments and other pages follow the story's access.)
 */
export async function mayRead(
  req: IncomingMessage,
  gate: AccessGate,
  trust: TrustFunction,
  spec: GateSpec,
): Promise<boolean> {
  const { decision } = await gate.decide(
    accessRequestOf(req, trust),
    { id: spec.storyId, access: spec.access },
    { count: false },
  );
  return !decision.variant.startsWith("gate-");
}

/** The outcome decided for this request, if any (sending a rendered variant adds its cookies). */
export function decidedOutcome(req: IncomingMessage): AccessOutcome | undefined {
  return (req as Decided)[DECIDED]?.outcome;
}

/** Set-Cookie values for an outcome's cookies: HttpOnly, SameSite=Lax, Secure over TLS. */
export function setCookies(outcome: AccessOutcome | undefined, tls: boolean): string[] {
  return (outcome?.cookies ?? []).map((c) =>
    stringifySetCookie({
      name: c.name,
      value: c.value,
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: tls,
      maxAge: c.maxAgeSeconds,
    }),
  );
}

/** Gated pages vary by who asks: browsers revalidate them, shared caches keep none. */
export const GATED_CACHE_CONTROL = "private, no-cache";
