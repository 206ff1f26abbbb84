/**
 * Outgoing email (verification links, reply notifications) through SMTP
 * with nodemailer. Without `mail.smtpUrl` (development) messages are written
 * to the log instead, links included, so a newcomer can still verify.
 */
import nodemailer from "nodemailer";
import type { Config } from "../config.ts";

export interface Message {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(m: Message): Promise<void>;
}

export function createMailer(
  config: Config["mail"],
  log: { info: (o: object, msg: string) => void; warn: (o: object, msg: string) => void },
): Mailer {
  if (!config.smtpUrl) {
    return {
      send: async (m) =>
        log.info(
          { to: m.to, subject: m.subject, text: m.text },
          "email (no SMTP server configured; not sent)",
        ),
    };
  }
  const transport = nodemailer.createTransport(config.smtpUrl);
  return {
    send: async (m) => {
      try {
        await transport.sendMail({ from: config.from, to: m.to, subject: m.subject, text: m.text });
      } catch (err) {
        // A mail server being down never fails the reader's request.
        log.warn({ err: (err as Error).message, to: m.to }, "email not sent");
      }
    },
  };
}
