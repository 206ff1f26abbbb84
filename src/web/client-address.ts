/**
 * Whom to believe about a request's client: the socket's peer, unless that
 * peer is a proxy the operator named (`trustProxy`: addresses and CIDR
 * ranges, or a hop count). Only then do `X-Forwarded-For` and
 * `X-Forwarded-Proto` count. Every place that needs the client's address or
 * scheme goes through here (Fastify's `req.ip` is given the same rule), so
 * rate limits and sign-in throttles cannot be dodged or aimed at someone
 * else with a made-up header.
 */
import type { IncomingMessage } from "node:http";
import proxyAddr from "@fastify/proxy-addr";

/** false: trust no proxy (the default); a number: that many hops; else addresses, CIDRs or loopback/linklocal/uniquelocal. */
export type TrustProxy = false | number | string[];

export type TrustFunction = (address: string, hop: number) => boolean;

export function trustFunction(t: TrustProxy): TrustFunction {
  if (t === false) return () => false;
  if (typeof t === "number") return (_address, hop) => hop < t;
  return proxyAddr.compile(t);
}

/** Whether the request reached us over TLS: its own socket, or a trusted proxy saying so. */
export function isTls(req: IncomingMessage, trust: TrustFunction): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  const peer = req.socket.remoteAddress ?? "";
  if (!trust(peer, 0)) return false;
  return (
    String(req.headers["x-forwarded-proto"] ?? "")
      .split(",")[0]!
      .trim() === "https"
  );
}
