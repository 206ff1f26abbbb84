/**
 * Newsletters on both engines, against a real SMTP server: defining one
 * (bad input refused by field), double opt-in (opening the link confirms
 * nothing; the button does), an issue sent to active, unsuppressed
 * subscribers only with its headers, parts and a DKIM signature that
 * verifies, RFC 8058 one-click unsubscribe without cookies, retries of a
 * temporary refusal and suppression of a refused address, bounce and
 * complaint webhooks in Gazette's JSON, Amazon SES through SNS (really
 * signed) and Postmark, CSV import and export, scheduled digests.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { dkimVerify } from "mailauth";
import selfsigned from "selfsigned";
import { newsletterPass, prepareDigests } from "../../src/newsletters/newsletter-service.ts";
import { type BulkMailer, createBulkMailer } from "../../src/mail/bulk-mailer.ts";
import { snsStringToSign } from "../../src/newsletters/webhooks.ts";
import { saveStory } from "../../src/store/story-store.ts";
import { upsertSection } from "../../src/store/taxonomy-store.ts";
import { DIALECTS, type TestEnv, makeEnv, tempDir } from "../helpers.ts";
import { type Client, addUser, anonymous, sessionFor } from "../newsroom-client.ts";
import { type SmtpSink, header, mimePart, startSmtpSink } from "../smtp-sink.ts";

const ORIGIN = { origin: "http://localhost:80", host: "localhost:80" };
const WEBHOOK_SECRET = "a-webhook-secret-for-tests";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:gazette-bounces";
const POSTMARK = { username: "postmark", password: "a-postmark-password-for-tests" };

for (const dialect of DIALECTS) {
  describe(`newsletters (${dialect})`, () => {
    let env: TestEnv;
    let sink: SmtpSink;
    let admin: Client;
    let editor: Client;
    let dkimPublic = "";
    let certServer: http.Server;
    let certUrl = "";
    let snsKey = "";
    let storyId = 0;
    const logs: string[] = [];
    const log = {
      info: (_o: object, m: string) => void logs.push(m),
      warn: (_o: object, m: string) => void logs.push(m),
      error: (_o: object, m: string) => void logs.push(m),
    };

    const form = (url: string, fields: [string, string][], headers: Record<string, string> = ORIGIN) =>
      env.app.inject({
        method: "POST",
        url,
        headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams(fields).toString(),
      });
    const linkIn = (raw: string, re: RegExp) => re.exec(raw.replace(/=\r?\n/g, ""))?.[0];
    let mailer: BulkMailer;
    const pass = (now?: Date) =>
      newsletterPass({ db: env.db, config: env.config, mailer, log }, now ? { now: () => now } : {});

    before(async () => {
      sink = await startSmtpSink();
      const dir = tempDir("gazette-nl-");
      const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
      fs.writeFileSync(path.join(dir, "dkim.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
      dkimPublic = publicKey.export({ type: "spki", format: "der" }).toString("base64");
      // SNS signs with a certificate it serves; here a self-signed one from a local server the pattern allows.
      const pems = await selfsigned.generate([{ name: "commonName", value: "sns.test" }], {
        keySize: 2048,
        algorithm: "sha256",
      });
      snsKey = pems.private;
      certServer = http.createServer((req, res) => {
        if (req.url === "/SimpleNotificationService-test.pem") res.end(pems.cert);
        else if (req.url?.startsWith("/confirm?")) res.end("<ConfirmSubscriptionResponse/>");
        else res.writeHead(404).end();
      });
      await new Promise<void>((r) => certServer.listen(0, "127.0.0.1", () => r()));
      const port = (certServer.address() as { port: number }).port;
      certUrl = `http://127.0.0.1:${port}/SimpleNotificationService-test.pem`;
      fs.writeFileSync(
        path.join(dir, "gazette.config.json"),
        JSON.stringify({
          mail: { dkim: { domain: "news.example.org", selector: "gz2026", privateKeyFile: "dkim.pem" } },
          newsletters: {
            webhookSecret: WEBHOOK_SECRET,
            ses: {
              topicArns: [TOPIC],
              certificateUrlPattern: `^http://127\\.0\\.0\\.1:${port}/[^?#]+\\.pem$`,
            },
            postmark: POSTMARK,
            softBounceLimit: 2,
          },
        }),
      );
      env = await makeEnv({ dialect, dataDir: dir, env: { GAZETTE_SMTP_URL: sink.url } });
      mailer = createBulkMailer(env.config.mail, { connections: 2, outboxDir: tempDir() });
      admin = await sessionFor(env.app, env.db, await addUser(env.db, "admin"));
      editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor"));
      await upsertSection(env.db, { slug: "city", name: "City" });
      const s = await saveStory(env.db, {
        headline: "The harbour bridge reopens",
        summary: ["Traffic returns after nine months of repairs."],
        sectionSlug: "city",
        status: "published",
        firstPublishedAt: new Date(Date.now() - 3600_000).toISOString(),
      });
      storyId = s.id;
    });
    after(async () => {
      mailer.close();
      await env.close();
      await sink.close();
      await new Promise<void>((r) => certServer.close(() => r()));
    });

    const morning = {
      slug: "morning",
      name: "Morning briefing",
      description: "What happened overnight, before your coffee.",
      fromName: "The Gazette Daily",
      fromEmail: "briefing@news.example.org",
      replyTo: "letters@news.example.org",
    };
    let morningId = 0;
    let cityId = 0;

    it("defines newsletters; bad input is refused by field, and the public pages show them", async () => {
      const bad = await admin.call("POST", "/api/admin/newsletters", {
        ...morning,
        name: "Morning\r\nBcc: everyone@example.org",
        fromEmail: "not an address",
      });
      assert.equal(bad.statusCode, 400, bad.body);
      const fields = (bad.json() as { error: { fields: { path: string }[] } }).error.fields.map(
        (f) => f.path,
      );
      assert.ok(fields.includes("name") && fields.includes("fromEmail"), String(fields));
      const forbidden = await editor.call("POST", "/api/admin/newsletters", morning);
      assert.equal(forbidden.statusCode, 403);
      morningId = (
        await admin.json<{ newsletter: { id: number } }>("POST", "/api/admin/newsletters", morning, 201)
      ).newsletter.id;
      const dup = await admin.call("POST", "/api/admin/newsletters", morning);
      assert.equal(dup.statusCode, 409);
      cityId = (
        await admin.json<{ newsletter: { id: number } }>(
          "POST",
          "/api/admin/newsletters",
          {
            ...morning,
            slug: "city-weekly",
            name: "City weekly",
            sectionSlugs: ["city"],
            schedule: { days: ["sun"], time: "18:30" },
          },
          201,
        )
      ).newsletter.id;
      const index = await env.app.inject({ url: "/newsletters" });
      assert.equal(index.statusCode, 200);
      assert.match(index.body, /Morning briefing/);
      assert.match(index.body, /Sundays at 18:30/);
      assert.match(index.body, /No tracking/);
      const one = await env.app.inject({ url: "/newsletters/morning" });
      assert.equal(one.statusCode, 200);
      assert.match(one.body, /What happened overnight/);
      assert.equal((await env.app.inject({ url: "/newsletters/nothing-here" })).statusCode, 404);
    });

    it("double opt-in: the emailed link opens a page and confirms nothing; its button confirms and records consent", async () => {
      const refused = await form("/newsletters/subscribe", [
        ["email", "nobody"],
        ["newsletters", "morning"],
      ]);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Enter an email address/);
      const res = await form("/newsletters/subscribe", [
        ["email", "Ana@Readers.example"],
        ["newsletters", "morning"],
        ["newsletters", "city-weekly"],
        ["from", "/newsletters"],
      ]);
      assert.equal(res.statusCode, 202, res.body);
      const mail = sink.received.find((m) => m.to.includes("ana@readers.example"));
      assert.ok(mail, "a confirmation email arrived");
      const link = linkIn(mail.raw, /https:\/\/news\.example\.org\/newsletters\/confirm\/[\w-]+/);
      assert.ok(link);
      const path = new URL(link).pathname;
      // A link scanner opens the link: nothing is confirmed.
      const opened = await env.app.inject({ url: path });
      assert.equal(opened.statusCode, 200);
      assert.match(opened.body, /<form method="post" action="\/newsletters\/confirm\//);
      const pending = await env.db.selectFrom("subscriptions").select("status").execute();
      assert.deepEqual(
        pending.map((r) => r.status),
        ["pending", "pending"],
      );
      const confirmed = await form(path, []);
      assert.equal(confirmed.statusCode, 200, confirmed.body);
      const rows = await env.db.selectFrom("subscriptions").select(["status", "consent"]).execute();
      assert.deepEqual(
        rows.map((r) => r.status),
        ["active", "active"],
      );
      const consent = JSON.parse(rows[0]!.consent) as Record<string, string>;
      assert.equal(consent["basis"], "double-opt-in");
      assert.equal(consent["page"], "https://news.example.org/newsletters");
      assert.match(consent["wording"]!, /Send me/);
      assert.ok(consent["at"] && consent["confirmedAt"]);
      // Used, unknown and malformed links: a clear page, never a 500.
      assert.equal((await form(path, [])).statusCode, 410);
      assert.equal(
        (await env.app.inject({ url: "/newsletters/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })).statusCode,
        404,
      );
      const odd = await env.app.inject({ url: "/newsletters/confirm/%3Cscript%3E" });
      assert.equal(odd.statusCode, 404);
      assert.match(odd.body, /That link does not work/);
    });

    it("sends a story to active, unsuppressed subscribers only, with one-click unsubscribe headers, both parts and a DKIM signature", async () => {
      const csv =
        "email,name\nben@readers.example,Ben\ncara@readers.example,Cara\ngone@readers.example,Gone\nbounced@readers.example,B\n";
      const imported = await admin.call(
        "POST",
        `/api/admin/newsletters/${morningId}/import?consent=given`,
        csv,
        {
          "content-type": "text/csv",
        },
      );
      assert.equal(imported.statusCode, 200, imported.body);
      assert.equal((imported.json() as { subscribed: number }).subscribed, 4);
      await admin.json("POST", "/api/admin/suppressions", { email: "bounced@readers.example" }, 201);
      const gone = await env.db
        .selectFrom("subscribers")
        .select("token")
        .where("email", "=", "gone@readers.example")
        .executeTakeFirstOrThrow();
      await form(`/newsletters/preferences/${gone.token}`, [["leaveAll", "1"]]);

      sink.received.length = 0;
      const created = await editor.json<{ issue: { id: number; status: string } }>(
        "POST",
        `/api/admin/newsletters/${morningId}/issues`,
        { issue: { kind: "story", storyId, intro: "Our pick this morning." }, send: true },
        201,
      );
      assert.equal(created.issue.status, "sending");
      const result = await env.app.runNewsletters();
      assert.equal(result.sent, 3);
      assert.deepEqual(sink.received.map((m) => m.to[0]).sort(), [
        "ana@readers.example",
        "ben@readers.example",
        "cara@readers.example",
      ]);
      const status = await editor.json<{ issue: { status: string; counts: Record<string, number> } }>(
        "GET",
        `/api/admin/newsletter-issues/${created.issue.id}`,
      );
      assert.equal(status.issue.status, "sent");
      assert.equal(status.issue.counts["sent"], 3);
      assert.equal(status.issue.counts["queued"], 0);

      const m = sink.received.find((r) => r.to[0] === "ben@readers.example")!;
      assert.equal(m.subject, "The harbour bridge reopens");
      assert.match(header(m.raw, "From")!, /"?The Gazette Daily"? <briefing@news\.example\.org>/);
      assert.equal(header(m.raw, "Reply-To"), "letters@news.example.org");
      const subscriberId = (
        await env.db
          .selectFrom("subscribers")
          .select("id")
          .where("email", "=", "ben@readers.example")
          .executeTakeFirstOrThrow()
      ).id;
      assert.equal(m.messageId, `<gz-${created.issue.id}-${subscriberId}@news.example.org>`);
      const unsubscribeHeader = header(m.raw, "List-Unsubscribe")!;
      assert.match(unsubscribeHeader, /<mailto:letters@news\.example\.org\?subject=unsubscribe/);
      const oneClick = /<(https:\/\/news\.example\.org\/newsletters\/unsubscribe\/[\w-]+\/morning)>/.exec(
        unsubscribeHeader,
      )?.[1];
      assert.ok(oneClick, unsubscribeHeader);
      assert.equal(header(m.raw, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
      assert.match(
        header(m.raw, "List-Id")!,
        /"Morning briefing" <morning\.newsletters\.news\.example\.org>/,
      );
      assert.match(m.raw, /Content-Type: multipart\/alternative/);
      const text = mimePart(m.raw, "text/plain")!;
      const htmlPart = mimePart(m.raw, "text/html")!;
      assert.match(text, /Our pick this morning\./);
      assert.match(text, /https:\/\/news\.example\.org\/city\//);
      assert.match(text, /Unsubscribe: https:\/\/news\.example\.org\/newsletters\/unsubscribe\//);
      assert.match(htmlPart, /<html lang="en">/);
      assert.match(htmlPart, /<a href="https:\/\/news\.example\.org\/city\/[^"]+"/);
      assert.match(htmlPart, /View in your browser/);
      assert.doesNotMatch(htmlPart, /\{\{gz:/);
      assert.doesNotMatch(htmlPart, /<img[^>]+src="\//, "images have absolute URLs");
      const dkim = await dkimVerify(m.raw, {
        resolver: async (name: string, type: string) => {
          assert.equal(name, "gz2026._domainkey.news.example.org");
          assert.equal(type, "TXT");
          return [[`v=DKIM1; k=rsa; p=${dkimPublic}`]];
        },
      });
      assert.equal(dkim.results[0]?.status.result, "pass", JSON.stringify(dkim.results[0]?.status));
      // The web version.
      const web = await env.app.inject({ url: `/newsletters/morning/issues/${created.issue.id}` });
      assert.equal(web.statusCode, 200);
      assert.match(web.body, /The harbour bridge reopens/);

      // RFC 8058: the mail client POSTs with no cookie, no Origin, no token.
      const url = new URL(oneClick);
      const one = await env.app.inject({
        method: "POST",
        url: url.pathname,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "List-Unsubscribe=One-Click",
      });
      assert.equal(one.statusCode, 200, one.body);
      const ben = await env.db
        .selectFrom("subscriptions")
        .innerJoin("subscribers", "subscribers.id", "subscriptions.subscriber_id")
        .select(["subscriptions.status", "subscriptions.newsletter_id"])
        .where("subscribers.email", "=", "ben@readers.example")
        .execute();
      assert.deepEqual(ben, [{ status: "unsubscribed", newsletter_id: morningId }]);
      const ana = await env.db
        .selectFrom("subscriptions")
        .innerJoin("subscribers", "subscribers.id", "subscriptions.subscriber_id")
        .select(["subscriptions.status"])
        .where("subscribers.email", "=", "ana@readers.example")
        .execute();
      assert.deepEqual(
        ana.map((r) => r.status),
        ["active", "active"],
        "leaving one newsletter leaves the others",
      );
      // Opening the link in a browser shows a button; it does not unsubscribe by itself.
      const page = await env.app.inject({ url: url.pathname.replace("ben", "x") });
      assert.ok([200, 404].includes(page.statusCode));
    });

    it("retries a temporary refusal later, and suppresses an address the server refuses", async () => {
      sink.received.length = 0;
      sink.deferOnce.set("ana@readers.example", 1);
      sink.refuse.add("cara@readers.example");
      const issue = await editor.json<{ issue: { id: number } }>(
        "POST",
        `/api/admin/newsletters/${morningId}/issues`,
        {
          issue: {
            kind: "alert",
            subject: "Storm warning for the coast",
            intro: "Stay off the harbour walls tonight.",
            storyId,
          },
          send: true,
        },
        201,
      );
      await env.app.runNewsletters();
      assert.equal(sink.received.length, 0);
      let counts = (
        await editor.json<{ issue: { counts: Record<string, number>; status: string } }>(
          "GET",
          `/api/admin/newsletter-issues/${issue.issue.id}`,
        )
      ).issue;
      assert.equal(counts.counts["queued"], 1, "the deferred delivery waits for its retry");
      assert.equal(counts.counts["bounced"], 1);
      const suppressed = await env.db
        .selectFrom("suppressions")
        .select(["email", "reason"])
        .where("email", "=", "cara@readers.example")
        .executeTakeFirst();
      assert.deepEqual(suppressed, { email: "cara@readers.example", reason: "hard-bounce" });
      // A retry before its time sends nothing; after it, the message goes.
      await pass();
      assert.equal(sink.received.length, 0);
      await pass(new Date(Date.now() + 5 * 60_000));
      assert.equal(sink.received.length, 1);
      assert.match(sink.received[0]!.subject, /Storm warning/);
      counts = (
        await editor.json<{ issue: { counts: Record<string, number>; status: string } }>(
          "GET",
          `/api/admin/newsletter-issues/${issue.issue.id}`,
        )
      ).issue;
      assert.equal(counts.status, "sent");
      assert.deepEqual([counts.counts["sent"], counts.counts["bounced"]], [1, 1]);
      sink.refuse.clear();
    });

    it("takes bounces and complaints from Gazette's signed webhook; a bad signature changes nothing", async () => {
      const body = JSON.stringify({
        events: [{ type: "complaint", email: "ana@readers.example", detail: "abuse" }],
      });
      const sig = (b: string, key = WEBHOOK_SECRET) =>
        `sha256=${crypto.createHmac("sha256", key).update(b).digest("hex")}`;
      const bad = await env.app.inject({
        method: "POST",
        url: "/api/newsletters/webhooks/gazette",
        headers: {
          "content-type": "application/json",
          "x-gazette-signature": sig(body, "wrong-key-wrong-key"),
        },
        payload: body,
      });
      assert.equal(bad.statusCode, 401);
      assert.equal(
        await env.db
          .selectFrom("suppressions")
          .select("email")
          .where("email", "=", "ana@readers.example")
          .executeTakeFirst(),
        undefined,
      );
      const invalid = JSON.stringify({ events: [{ type: "bounce", email: "ana@readers.example" }] });
      const refused = await env.app.inject({
        method: "POST",
        url: "/api/newsletters/webhooks/gazette",
        headers: { "content-type": "application/json", "x-gazette-signature": sig(invalid) },
        payload: invalid,
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /events\.0\.bounce/);
      const ok = await env.app.inject({
        method: "POST",
        url: "/api/newsletters/webhooks/gazette",
        headers: { "content-type": "application/json", "x-gazette-signature": sig(body) },
        payload: body,
      });
      assert.equal(ok.statusCode, 200, ok.body);
      const s = await env.db
        .selectFrom("suppressions")
        .select("reason")
        .where("email", "=", "ana@readers.example")
        .executeTakeFirstOrThrow();
      assert.equal(s.reason, "complaint");
    });

    it("takes Amazon SES notifications through SNS, verifying each message's signature", async () => {
      const sign = (m: Record<string, string>) => {
        const signer = crypto.createSign("RSA-SHA256");
        signer.update(snsStringToSign(m as never));
        return signer.sign(snsKey, "base64");
      };
      const snsMessage = (message: object): Record<string, string> => {
        const m: Record<string, string> = {
          Type: "Notification",
          MessageId: crypto.randomUUID(),
          TopicArn: TOPIC,
          Message: JSON.stringify(message),
          Timestamp: new Date().toISOString(),
          SignatureVersion: "2",
          SigningCertURL: certUrl,
        };
        return { ...m, Signature: sign(m) };
      };
      const post = (b: object) =>
        env.app.inject({
          method: "POST",
          url: "/api/newsletters/webhooks/ses",
          headers: { "content-type": "text/plain; charset=UTF-8" },
          payload: JSON.stringify(b),
        });
      const bounce = snsMessage({
        notificationType: "Bounce",
        bounce: {
          bounceType: "Permanent",
          bounceSubType: "General",
          bouncedRecipients: [
            { emailAddress: "ben@readers.example", diagnosticCode: "smtp; 550 5.1.1 user unknown" },
          ],
          timestamp: new Date().toISOString(),
        },
        mail: { messageId: "ses-id", commonHeaders: { messageId: "<gz-1-2@news.example.org>" } },
      });
      const tampered = { ...bounce, Message: bounce["Message"]!.replace("ben@", "cara@") };
      assert.equal((await post(tampered)).statusCode, 401);
      assert.equal(
        (await post({ ...bounce, TopicArn: "arn:aws:sns:eu-west-1:123456789012:other" })).statusCode,
        401,
      );
      const res = await post(bounce);
      assert.equal(res.statusCode, 200, res.body);
      const s = await env.db
        .selectFrom("suppressions")
        .select("reason")
        .where("email", "=", "ben@readers.example")
        .executeTakeFirstOrThrow();
      assert.equal(s.reason, "hard-bounce");
      const confirm: Record<string, string> = {
        Type: "SubscriptionConfirmation",
        MessageId: crypto.randomUUID(),
        TopicArn: TOPIC,
        Message: "You have chosen to subscribe to the topic.",
        Timestamp: new Date().toISOString(),
        SignatureVersion: "2",
        SigningCertURL: certUrl,
        SubscribeURL: certUrl.replace(/\/[^/]+$/, "/confirm?Token=abc"),
        Token: "abc",
      };
      const confirmed = await post({ ...confirm, Signature: sign(confirm) });
      assert.equal(confirmed.statusCode, 200, confirmed.body);
    });

    it("takes Postmark's webhooks with the basic-auth credentials set on them; soft bounces suppress only in a row", async () => {
      const auth = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
      const post = (b: object, a = auth(POSTMARK.username, POSTMARK.password)) =>
        env.app.inject({
          method: "POST",
          url: "/api/newsletters/webhooks/postmark",
          headers: { "content-type": "application/json", authorization: a },
          payload: JSON.stringify(b),
        });
      const soft = {
        RecordType: "Bounce",
        Type: "SoftBounce",
        TypeCode: 4096,
        Email: "dora@readers.example",
        BouncedAt: new Date().toISOString(),
      };
      await admin.json(
        "POST",
        `/api/admin/newsletters/${morningId}/import?consent=given`,
        "email\ndora@readers.example\n",
      );
      assert.equal((await post(soft, auth("postmark", "wrong-password-wrong"))).statusCode, 401);
      assert.equal((await post(soft)).statusCode, 200);
      await post({
        RecordType: "Delivery",
        Recipient: "dora@readers.example",
        DeliveredAt: new Date().toISOString(),
      });
      assert.equal((await post(soft)).statusCode, 200);
      assert.equal(
        await env.db
          .selectFrom("suppressions")
          .select("email")
          .where("email", "=", "dora@readers.example")
          .executeTakeFirst(),
        undefined,
        "a delivery between two soft bounces resets the count",
      );
      await post(soft);
      assert.ok(
        await env.db
          .selectFrom("suppressions")
          .select("email")
          .where("email", "=", "dora@readers.example")
          .executeTakeFirst(),
      );
      await post({
        RecordType: "SpamComplaint",
        Type: "SpamComplaint",
        Email: "eve@readers.example",
        BouncedAt: new Date().toISOString(),
      });
      const eve = await env.db
        .selectFrom("suppressions")
        .select("reason")
        .where("email", "=", "eve@readers.example")
        .executeTakeFirstOrThrow();
      assert.equal(eve.reason, "complaint");
    });

    it("imports a CSV with a confirmation per new address and reports bad rows; exports with formulas defused", async () => {
      sink.received.length = 0;
      const csv =
        "Email,Name\nfinn@readers.example,Finn\nnot-an-address,X\n\nfinn@readers.example,dup\ngus@readers.example,Gus\n";
      const res = await admin.call(
        "POST",
        `/api/admin/newsletters/${cityId}/import?consent=confirm&source=${encodeURIComponent('=HYPERLINK("http://evil")')}`,
        csv,
        {
          "content-type": "text/csv",
        },
      );
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json() as { confirmationsSent: number; invalid: { line: number }[] };
      assert.equal(report.confirmationsSent, 2);
      assert.deepEqual(
        report.invalid.map((i) => i.line),
        [3],
      );
      assert.equal(sink.received.length, 2);
      const noHeader = await admin.call(
        "POST",
        `/api/admin/newsletters/${cityId}/import`,
        "finn@readers.example\n",
        { "content-type": "text/csv" },
      );
      assert.equal(noHeader.statusCode, 400);
      assert.match(noHeader.body, /email/);
      const exported = await admin.call("GET", `/admin/newsletters/${cityId}/export.csv`);
      assert.equal(exported.statusCode, 200);
      assert.match(exported.headers["content-type"] as string, /text\/csv/);
      assert.match(exported.body, /^email,status,/);
      assert.match(exported.body, /finn@readers\.example,pending/);
      assert.match(exported.body, /'=HYPERLINK/);
      assert.doesNotMatch(exported.body, /,=HYPERLINK/);
      assert.equal((await editor.call("GET", `/admin/newsletters/${cityId}/export.csv`)).statusCode, 403);
    });

    it("prepares a scheduled digest once, whatever runs the pass, and sends it at its time", async () => {
      const n = await admin.json<{ newsletters: { id: number; nextDigestAt: string }[] }>(
        "GET",
        "/api/admin/newsletters",
      );
      const city = n.newsletters.find((x) => x.id === cityId)!;
      const due = new Date(city.nextDigestAt);
      assert.equal(due.getUTCDay(), 0, "Sunday");
      const deps = {
        db: env.db,
        config: env.config,
        mailer,
        log,
      };
      const early = new Date(due.getTime() - 3 * 3600_000);
      assert.equal((await prepareDigests(deps, early)).length, 0);
      // The story must be recent for the digest; move it to just before the occurrence.
      await env.db
        .updateTable("stories")
        .set({ first_published_at: new Date(due.getTime() - 3600_000).toISOString() })
        .where("id", "=", storyId)
        .execute();
      const lead = new Date(due.getTime() - 30 * 60_000);
      const [a, b] = await Promise.all([prepareDigests(deps, lead), prepareDigests(deps, lead)]);
      assert.equal(a.length + b.length, 1, "one digest for the occurrence");
      const digest = [...a, ...b][0]!;
      assert.equal(digest.status, "scheduled");
      assert.deepEqual(digest.storyIds, [storyId]);
      await form(
        `/newsletters/preferences/${(await env.db.selectFrom("subscribers").select("token").where("email", "=", "gus@readers.example").executeTakeFirstOrThrow()).token}`,
        [["newsletters", "city-weekly"]],
      );
      sink.received.length = 0;
      const result = await newsletterPass(deps, { now: () => new Date(due.getTime() + 1000) });
      assert.deepEqual(result.queued, [digest.id]);
      assert.ok(sink.received.some((m) => m.to[0] === "gus@readers.example"));
      const after = await admin.json<{ newsletters: { id: number; nextDigestAt: string }[] }>(
        "GET",
        "/api/admin/newsletters",
      );
      assert.ok(after.newsletters.find((x) => x.id === cityId)!.nextDigestAt > city.nextDigestAt);
      await env.db
        .updateTable("stories")
        .set({ first_published_at: new Date(Date.now() - 3600_000).toISOString() })
        .where("id", "=", storyId)
        .execute();
    });

    it("previews a draft and sends a test copy to the editor only", async () => {
      const draft = await editor.json<{ issue: { id: number; status: string } }>(
        "POST",
        `/api/admin/newsletters/${morningId}/issues`,
        { issue: { kind: "digest", storyIds: [storyId], intro: "A quiet night." } },
        201,
      );
      assert.equal(draft.issue.status, "draft");
      const preview = await editor.json<{ subject: string; html: string; text: string }>(
        "GET",
        `/api/admin/newsletter-issues/${draft.issue.id}/preview`,
      );
      assert.match(preview.text, /A quiet night\./);
      const page = await editor.call("GET", `/admin/newsletter-issues/${draft.issue.id}/preview.html`);
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers["content-security-policy"]), /style-src 'unsafe-inline'/);
      sink.received.length = 0;
      await editor.json("POST", `/api/admin/newsletter-issues/${draft.issue.id}/test`);
      assert.deepEqual(
        sink.received.map((m) => [m.to[0], m.subject.startsWith("[Test] ")]),
        [[editor.user!.email, true]],
      );
      const after = await editor.json<{ issue: { status: string } }>(
        "GET",
        `/api/admin/newsletter-issues/${draft.issue.id}`,
      );
      assert.equal(after.issue.status, "draft", "a test copy sends nothing else");
    });

    it("lets a signed-in reader choose newsletters only once their address is confirmed", async () => {
      const { createReader, createReaderSession, markVerified } =
        await import("../../src/store/reader-store.ts");
      const r = await createReader(env.db, {
        email: "hana@readers.example",
        displayName: "Hana",
        passwordHash: "!",
      });
      const cookie = `gz_reader=${await createReaderSession(env.db, r.id)}`;
      const unconfirmed = await env.app.inject({ url: "/account/newsletters", headers: { cookie } });
      assert.equal(unconfirmed.statusCode, 403);
      assert.match(unconfirmed.body, /Confirm your email address first/);
      await markVerified(env.db, r.id);
      const page = await env.app.inject({ url: "/account/newsletters", headers: { cookie } });
      assert.equal(page.statusCode, 200);
      const action = /action="(\/newsletters\/preferences\/[\w-]+)"/.exec(page.body)![1]!;
      const saved = await form(action, [["newsletters", "morning"]]);
      assert.equal(saved.statusCode, 200);
      assert.match(saved.body, /Your choices are saved/);
      const sub = await env.db
        .selectFrom("subscriptions")
        .innerJoin("subscribers", "subscribers.id", "subscriptions.subscriber_id")
        .select(["subscriptions.status", "subscribers.reader_id"])
        .where("subscribers.email", "=", "hana@readers.example")
        .execute();
      assert.deepEqual(sub, [{ status: "active", reader_id: r.id }]);
    });

    it("answers bad links to preference and unsubscribe pages with a clear page, never a 500", async () => {
      for (const url of [
        "/newsletters/preferences/short",
        "/newsletters/preferences/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "/newsletters/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAA/morning",
      ]) {
        const r = await env.app.inject({ url });
        assert.equal(r.statusCode, 404, url);
        assert.match(r.body, /That link does not work/);
      }
      const r = await anonymous(env.app).call(
        "POST",
        "/newsletters/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAA/morning",
        "List-Unsubscribe=One-Click",
        {
          "content-type": "application/x-www-form-urlencoded",
        },
      );
      assert.equal(r.statusCode, 404);
    });
  });
}
