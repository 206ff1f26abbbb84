/**
 * A real SMTP server for tests and the newsletter benchmark (the
 * `smtp-server` package on 127.0.0.1): it keeps what it receives (or only
 * counts it, for large sends), and can refuse chosen recipients for good
 * (550) or for now (451), as receiving servers do.
 */
import { SMTPServer } from "smtp-server";

export interface Received {
  from: string;
  to: string[];
  raw: string;
  messageId: string;
  subject: string;
}

export interface SmtpSink {
  url: string;
  port: number;
  received: Received[];
  /** Copies per recipient address, and distinct Message-IDs per address. */
  perAddress: Map<string, { copies: number; messageIds: Set<string> }>;
  total: number;
  /** Recipients answered 550 at RCPT TO. */
  refuse: Set<string>;
  /** Recipients answered 451 at RCPT TO this many more times. */
  deferOnce: Map<string, number>;
  close(): Promise<void>;
}

export function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? "";
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, "im").exec(unfolded);
  return m?.[1]?.trim();
}

export async function startSmtpSink(opts: { keep?: boolean } = {}): Promise<SmtpSink> {
  const keep = opts.keep ?? true;
  const sink: Omit<SmtpSink, "url" | "port" | "close"> = {
    received: [],
    perAddress: new Map(),
    total: 0,
    refuse: new Set(),
    deferOnce: new Map(),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // Closing waits this long for clients to hang up (the default is 30 s).
    closeTimeout: 500,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, cb) {
      const to = address.address.toLowerCase();
      if (sink.refuse.has(to)) {
        const err = new Error("5.1.1 No such user here") as Error & { responseCode: number };
        err.responseCode = 550;
        return cb(err);
      }
      const left = sink.deferOnce.get(to) ?? 0;
      if (left > 0) {
        sink.deferOnce.set(to, left - 1);
        const err = new Error("4.2.2 Mailbox busy, try again later") as Error & { responseCode: number };
        err.responseCode = 451;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const messageId = header(raw, "Message-ID") ?? "";
        for (const addr of to) {
          const e = sink.perAddress.get(addr) ?? { copies: 0, messageIds: new Set<string>() };
          e.copies++;
          e.messageIds.add(messageId);
          sink.perAddress.set(addr, e);
        }
        sink.total++;
        if (keep)
          sink.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to,
            raw,
            messageId,
            subject: header(raw, "Subject") ?? "",
          });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.server.address() as { port: number }).port;
  return Object.assign(sink, {
    port,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }) as SmtpSink;
}

/** Decodes a quoted-printable MIME part. */
export function decodeQuotedPrintable(s: string): string {
  return Buffer.from(
    s
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    "latin1",
  ).toString("utf8");
}

/** The decoded body of the first MIME part of the given type (in a multipart message). */
export function mimePart(raw: string, type: string): string | undefined {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  if (!boundary) return undefined;
  for (const part of raw.split(`--${boundary}`).slice(1)) {
    const [head = "", ...rest] = part.replace(/^\r?\n/, "").split(/\r?\n\r?\n/);
    if (!new RegExp(`^Content-Type: ${type.replace("/", "\\/")}`, "im").test(head)) continue;
    const body = rest.join("\r\n\r\n").replace(/\r?\n$/, "");
    if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) return decodeQuotedPrintable(body);
    if (/Content-Transfer-Encoding: base64/i.test(head))
      return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    return body;
  }
  return undefined;
}
