/**
 * Who may tell Gazette that an address bounced or complained, and how each
 * proves it: Gazette's own webhook signs the body with a shared key (HMAC-
 * SHA256, like a wire push); Amazon SNS signs each message with a
 * certificate fetched from SNS's own site (SignatureVersion 1: SHA1, 2:
 * SHA256); Postmark sends the HTTP basic-auth credentials set on the
 * webhook. Anything that does not prove itself changes nothing.
 */
import crypto from "node:crypto";
import { hmacSha256Valid, sameSecret } from "../auth/signatures.ts";
import { z } from "zod";

/** `X-Gazette-Signature: sha256=<hex HMAC-SHA256 of the body>` with the configured key. */
export function gazetteSignatureValid(
  secret: string,
  body: Buffer,
  header: string | string[] | undefined,
): boolean {
  return typeof header === "string" && hmacSha256Valid(secret, body, header);
}

/** HTTP basic auth with the user and password set on the Postmark webhook. */
export function basicAuthValid(
  expected: { username: string; password: string },
  header: string | string[] | undefined,
): boolean {
  if (typeof header !== "string" || !/^basic /i.test(header)) return false;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  // Both compared, whatever the first says, so the time taken tells nothing.
  const user = sameSecret(decoded.slice(0, colon), expected.username);
  const pass = sameSecret(decoded.slice(colon + 1), expected.password);
  return user && pass;
}

export const snsMessageSchema = z.object({
  Type: z.enum(["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]),
  MessageId: z.string(),
  TopicArn: z.string(),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.enum(["1", "2"]),
  Signature: z.string(),
  SigningCertURL: z.string(),
  Subject: z.string().optional(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
});
export type SnsMessage = z.output<typeof snsMessageSchema>;

/** The text SNS signs: named fields as "Name\nvalue\n", in the order its documentation gives. */
export function snsStringToSign(m: SnsMessage): string {
  const fields =
    m.Type === "Notification"
      ? (["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] as const)
      : (["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"] as const);
  return fields
    .filter((f) => m[f] !== undefined)
    .map((f) => `${f}\n${m[f]}\n`)
    .join("");
}

export class SnsRefusal extends Error {}

const certificates = new Map<string, string>();

/** Fetches a certificate (https, small, quickly) and keeps it for the process's life. */
async function certificate(url: string): Promise<string> {
  const known = certificates.get(url);
  if (known) return known;
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: "error" });
  if (!res.ok) throw new SnsRefusal(`the signing certificate could not be fetched (HTTP ${res.status})`);
  const text = await res.text();
  if (text.length > 64 * 1024 || !text.includes("BEGIN CERTIFICATE"))
    throw new SnsRefusal("the signing certificate is not a PEM certificate");
  certificates.set(url, text);
  return text;
}

/**
 * Checks an SNS message: its topic is one the site accepts, its
 * certificate comes from where the configured pattern allows (SNS's own
 * hosts), and the signature over its fields verifies with that certificate.
 */
export async function verifySns(
  m: SnsMessage,
  settings: { topicArns: readonly string[]; certificateUrlPattern: string },
): Promise<void> {
  if (!settings.topicArns.includes(m.TopicArn))
    throw new SnsRefusal(`the topic ${m.TopicArn} is not one this site accepts`);
  if (!new RegExp(settings.certificateUrlPattern).test(m.SigningCertURL))
    throw new SnsRefusal("the signing certificate is not on Amazon SNS's own site");
  const pem = await certificate(m.SigningCertURL);
  const verifier = crypto.createVerify(m.SignatureVersion === "1" ? "RSA-SHA1" : "RSA-SHA256");
  verifier.update(snsStringToSign(m), "utf8");
  if (!verifier.verify(pem, m.Signature, "base64")) throw new SnsRefusal("the signature does not verify");
}

/** Confirms an SNS subscription by visiting its SubscribeURL (only on the certificate's own host). */
export async function confirmSnsSubscription(m: SnsMessage): Promise<void> {
  if (!m.SubscribeURL) throw new SnsRefusal("the confirmation has no SubscribeURL");
  if (new URL(m.SubscribeURL).origin !== new URL(m.SigningCertURL).origin)
    throw new SnsRefusal("the SubscribeURL is not on the same host as the signing certificate");
  const res = await fetch(m.SubscribeURL, { signal: AbortSignal.timeout(10_000), redirect: "error" });
  if (!res.ok) throw new SnsRefusal(`SNS did not take the confirmation (HTTP ${res.status})`);
}
