/**
 * Sending newsletters: a pool of SMTP connections (nodemailer's pooled
 * transport) kept open across messages, DKIM signing when a key is
 * configured, and an answer per message that says whether to retry:
 * accepted, a temporary failure (4xx, a connection that broke), or a
 * permanent one (5xx; a refused recipient is a hard bounce).
 *
 * Without `mail.smtpUrl` (development), messages are written as .eml files
 * to an outbox folder instead, so a newcomer can open what would have gone.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import nodemailer from "nodemailer";
import SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import type { Config } from "../config.ts";

export interface BulkMessage {
  from: { name: string; address: string };
  to: string;
  replyTo?: string | undefined;
  subject: string;
  html: string;
  text: string;
  /** `<…@…>`: the same for every attempt at one issue to one recipient. */
  messageId: string;
  /**
   * Further headers: List-Id, List-Unsubscribe (one header, every address
   * in it), … A `prepared` value goes out exactly as given (ASCII, folded
   * by the caller): nodemailer would otherwise encode it as MIME words,
   * which List-Id and List-Unsubscribe must not be.
   */
  headers: Record<string, string | { prepared: true; value: string }>;
}

export type SendOutcome =
  { ok: true } | { ok: false; temporary: boolean; refusedRecipient: boolean; message: string };

export interface BulkMailer {
  send(m: BulkMessage): Promise<SendOutcome>;
  /** Where messages go, for the log and the CLI ("smtp://host:587", "the outbox folder …"). */
  describe: string;
  close(): void;
}

/** How an error from nodemailer reads as an outcome. */
export function outcomeOf(err: unknown): SendOutcome {
  const e = err as { responseCode?: number; code?: string; command?: string; message?: string };
  const code = e.responseCode;
  const message = (e.message ?? String(err)).replace(/\s+/g, " ").slice(0, 300);
  if (typeof code === "number" && code >= 500)
    return {
      ok: false,
      temporary: false,
      refusedRecipient: e.command === "RCPT TO" || [550, 551, 553].includes(code),
      message,
    };
  // 4xx answers, timeouts and broken connections: try again later.
  return { ok: false, temporary: true, refusedRecipient: false, message };
}

/**
 * Connections with Nagle's algorithm off: SMTP is a dialogue of short
 * lines, and with it on every message waits out the server's delayed ACK
 * (about 40 ms on Linux) — a tenfold slowdown on a fast relay. nodemailer
 * still upgrades the socket to TLS (smtps:// or STARTTLS) itself.
 */
function noDelaySocket(
  options: { host?: string | undefined; port?: number | undefined },
  done: (err: Error | null, socket?: { connection: net.Socket }) => void,
): void {
  const socket = net.connect({ host: options.host ?? "localhost", port: options.port ?? 25, noDelay: true });
  const fail = (err: Error) => {
    socket.destroy();
    done(err);
  };
  socket.setTimeout(30_000, () =>
    fail(Object.assign(new Error("Connection timeout"), { code: "ETIMEDOUT" })),
  );
  socket.once("error", fail);
  socket.once("connect", () => {
    socket.off("error", fail);
    socket.setTimeout(0);
    socket.setKeepAlive(true);
    done(null, { connection: socket });
  });
}

export function createBulkMailer(
  config: Config["mail"],
  opts: { connections: number; outboxDir: string },
): BulkMailer {
  const dkim = config.dkim
    ? {
        domainName: config.dkim.domain,
        keySelector: config.dkim.selector,
        privateKey: config.dkim.privateKey,
      }
    : undefined;
  const compose = (m: BulkMessage) => ({
    from: m.from,
    to: m.to,
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    subject: m.subject,
    html: m.html,
    text: m.text,
    messageId: m.messageId,
    headers: m.headers,
    ...(dkim ? { dkim } : {}),
  });
  if (!config.smtpUrl) {
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
    return {
      describe: `the outbox folder ${opts.outboxDir} (no SMTP server configured)`,
      send: async (m) => {
        try {
          const info = (await transport.sendMail(compose(m))) as { message: Buffer };
          fs.mkdirSync(opts.outboxDir, { recursive: true });
          const name = `${m.messageId.replace(/[^\w.@-]/g, "")}.eml`;
          fs.writeFileSync(path.join(opts.outboxDir, name), info.message);
          return { ok: true };
        } catch (err) {
          return outcomeOf(err);
        }
      },
      close: () => transport.close(),
    };
  }
  const url = new URL(config.smtpUrl);
  const transport = nodemailer.createTransport(
    new SMTPPool({
      pool: true,
      url: config.smtpUrl,
      maxConnections: opts.connections,
      maxMessages: 1000,
      getSocket: noDelaySocket,
    }),
  );
  return {
    describe: `${url.protocol}//${url.host}`,
    send: async (m) => {
      try {
        const info = await transport.sendMail(compose(m));
        if (info.rejected.length > 0)
          return {
            ok: false,
            temporary: false,
            refusedRecipient: true,
            message: `refused: ${info.response}`,
          };
        return { ok: true };
      } catch (err) {
        return outcomeOf(err);
      }
    },
    close: () => transport.close(),
  };
}
