/**
 * Getting on and off the lists: sign-up with double opt-in (the emailed
 * link opens a page whose button confirms), sign-up by a signed-in reader
 * whose address is confirmed already, CSV import with a declared consent
 * basis, and the CSV export.
 */
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { Config } from "../config.ts";
import { GazetteError } from "../content/errors.ts";
import { csvSafeCell, mailAddress } from "../content/newsletter.ts";
import type { Mailer } from "../mail/mailer.ts";
import { consentWording } from "../site/newsletter-pages.ts";
import type { Db } from "../store/database.ts";
import {
  type Consent,
  type Newsletter,
  findOrCreateSubscriber,
  startConfirmation,
  subscribeConfirmed,
  subscribersForExport,
  subscriptionStatus,
  suppressionOf,
} from "../store/newsletter-store.ts";

export interface SubscribeDeps {
  db: Db;
  config: Config;
  mailer: Mailer;
}

/** Sends the confirmation email for a started double opt-in. */
async function sendConfirmation(
  deps: SubscribeDeps,
  email: string,
  token: string,
  newsletters: Newsletter[],
) {
  const { config } = deps;
  const names = newsletters.map((n) => n.name).join(", ");
  await deps.mailer.send({
    to: email,
    subject: `Confirm your subscription to ${names}`,
    text: `Hello,\n\nSomeone (we hope you) asked ${config.site.name} to send ${names} to this address.\n\nTo confirm, open this page and press the button on it:\n${config.site.baseUrl}/newsletters/confirm/${token}\n\nThe link works for ${config.newsletters.confirmationHours} hours. If you did not ask, ignore this email: without your confirmation, nothing will be sent.`,
  });
}

/**
 * A sign-up: the subscriptions wait for the emailed confirmation, or (a
 * signed-in reader subscribing their own confirmed address) start at once.
 * The answer is the same whether the address was known or not.
 */
export async function subscribe(
  deps: SubscribeDeps,
  input: {
    email: string;
    newsletters: Newsletter[];
    page: string;
    reader?: { id: number; email: string; verified: boolean } | undefined;
  },
  now = new Date(),
): Promise<"confirmation-sent" | "subscribed"> {
  const { db, config } = deps;
  const names = input.newsletters.map((n) => n.name);
  const consent: Consent = {
    basis: "double-opt-in",
    at: now.toISOString(),
    page: input.page,
    wording: consentWording(names),
  };
  const own = input.reader && input.reader.verified && input.reader.email === input.email;
  if (own) {
    await db.transaction().execute(async (tx) => {
      const s = await findOrCreateSubscriber(tx, input.email, "account", input.reader!.id, now);
      for (const n of input.newsletters)
        await subscribeConfirmed(tx, s.id, n.id, { ...consent, basis: "account" }, now);
    });
    return "subscribed";
  }
  const token = await db.transaction().execute(async (tx) => {
    const s = await findOrCreateSubscriber(tx, input.email, "signup", input.reader?.id ?? null, now);
    return startConfirmation(
      tx,
      s.id,
      input.newsletters.map((n) => n.id),
      consent,
      config.newsletters.confirmationHours,
      now,
    );
  });
  await sendConfirmation(deps, input.email, token, input.newsletters);
  return "confirmation-sent";
}

export interface ImportReport {
  rows: number;
  subscribed: number;
  confirmationsSent: number;
  alreadySubscribed: number;
  suppressed: { line: number; email: string; reason: string }[];
  invalid: { line: number; message: string }[];
}

/** Largest CSV an import takes. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 200_000;

/** Reads an import CSV: a header row naming at least `email`; other columns are ignored. */
export function readImportCsv(text: string): { line: number; email: string }[] {
  if (Buffer.byteLength(text) > MAX_IMPORT_BYTES)
    throw new GazetteError(
      "GZ_ERR_BODY_TOO_LARGE",
      `The CSV is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it into several files.`,
    );
  let rows: string[][];
  try {
    rows = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      to: MAX_IMPORT_ROWS + 2,
    }) as string[][];
  } catch (err) {
    throw new GazetteError("GZ_ERR_VALIDATION", `The file is not valid CSV: ${(err as Error).message}`, {
      fields: [{ path: "file", message: "is not valid CSV" }],
    });
  }
  const [head = [], ...records] = rows;
  const column = head.map((h) => h.toLowerCase()).indexOf("email");
  if (column < 0)
    throw new GazetteError(
      "GZ_ERR_VALIDATION",
      'The CSV\'s first row must name the columns, one of them "email".',
      {
        fields: [{ path: "file", message: 'has no "email" column in its header row' }],
      },
    );
  if (records.length > MAX_IMPORT_ROWS)
    throw new GazetteError(
      "GZ_ERR_VALIDATION",
      `The CSV has more than ${MAX_IMPORT_ROWS} rows; split it into several files.`,
      { fields: [{ path: "file", message: `has more than ${MAX_IMPORT_ROWS} rows` }] },
    );
  return records.map((r, i) => ({ line: i + 2, email: r[column] ?? "" }));
}

/**
 * Imports subscribers into a newsletter, in one transaction (a failure
 * leaves the lists as they were). `consent: "given"` says the newsroom
 * holds their consent already (they are subscribed, the basis recorded);
 * `"confirm"` emails each new address a confirmation. Invalid rows and
 * suppressed addresses are reported, not imported.
 */
export async function importSubscribers(
  deps: SubscribeDeps,
  n: Newsletter,
  rows: { line: number; email: string }[],
  opts: { consent: "given" | "confirm"; source: string; by: string },
  now = new Date(),
): Promise<ImportReport> {
  const report: ImportReport = {
    rows: rows.length,
    subscribed: 0,
    confirmationsSent: 0,
    alreadySubscribed: 0,
    suppressed: [],
    invalid: [],
  };
  const valid: { line: number; email: string }[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const e = mailAddress.safeParse(r.email);
    if (!e.success) {
      report.invalid.push({
        line: r.line,
        message: `"${r.email.slice(0, 80)}": ${e.error.issues[0]?.message ?? "not an address"}`,
      });
      continue;
    }
    if (seen.has(e.data)) continue;
    seen.add(e.data);
    valid.push({ line: r.line, email: e.data });
  }
  const consent: Consent = {
    basis: opts.consent === "given" ? "imported-consent" : "double-opt-in",
    at: now.toISOString(),
    page: opts.source,
    wording:
      opts.consent === "given"
        ? `Imported by ${opts.by}, who declared the reader's consent to ${n.name} was given before the import.`
        : consentWording([n.name]),
  };
  const toConfirm: { email: string; token: string }[] = [];
  await deps.db.transaction().execute(async (tx) => {
    for (const r of valid) {
      const suppressed = await suppressionOf(tx, r.email);
      if (suppressed) {
        report.suppressed.push({ line: r.line, email: r.email, reason: suppressed.reason });
        continue;
      }
      const s = await findOrCreateSubscriber(tx, r.email, "import", null, now);
      if (opts.consent === "given") {
        if (await subscribeConfirmed(tx, s.id, n.id, consent, now)) report.subscribed++;
        else report.alreadySubscribed++;
      } else {
        if ((await subscriptionStatus(tx, s.id, n.id)) === "active") {
          report.alreadySubscribed++;
          continue;
        }
        toConfirm.push({
          email: r.email,
          token: await startConfirmation(
            tx,
            s.id,
            [n.id],
            consent,
            deps.config.newsletters.confirmationHours,
            now,
          ),
        });
      }
    }
  });
  for (const c of toConfirm) {
    await sendConfirmation(deps, c.email, c.token, [n]);
    report.confirmationsSent++;
  }
  return report;
}

/** The newsletter's subscribers as CSV (cells a spreadsheet would run as formulas are defused). */
export async function* exportCsv(db: Db, n: Newsletter): AsyncGenerator<string> {
  yield stringify([
    [
      "email",
      "status",
      "subscribed_at",
      "unsubscribed_at",
      "consent_basis",
      "consent_at",
      "consent_page",
      "consent_wording",
      "suppressed",
    ],
  ]);
  for await (const r of subscribersForExport(db, n.id)) {
    const c = JSON.parse(r.consent) as Partial<Consent>;
    yield stringify([
      [
        r.email,
        r.status,
        r.subscribedAt ?? "",
        r.unsubscribedAt ?? "",
        c.basis ?? "",
        c.at ?? "",
        c.page ?? "",
        c.wording ?? "",
        r.suppressed ?? "",
      ].map(csvSafeCell),
    ]);
  }
}
