/**
 * Configuration: environment variables for what differs per machine, an
 * optional JSON file for the site's editorial settings (name, ad rules).
 * Validated once at boot; unknown keys are rejected, and every error names
 * the field and how to fix it.
 */
import { IpRanges, rangesFromText } from "./content/ip-ranges.ts";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { z } from "zod";
import { wireFeedInputSchema } from "./content/wire.ts";
import { adRulesSchema } from "./content/ad-placement.ts";

/** IANA time zones by the runtime's canonical names, and UTC. */
const TIME_ZONES = [...new Set(["UTC", ...Intl.supportedValuesOf("timeZone")])];

export const siteSchema = z
  .object({
    name: z.string().min(1).max(100).default("The Gazette Daily"),
    tagline: z.string().max(200).default("Independent news, clearly sourced"),
    /** Public origin for canonical URLs, feeds and sitemaps, without a trailing slash. */
    baseUrl: z
      .string()
      .refine(
        (u) => /^https?:\/\/[^/]+$/.test(u.replace(/\/$/, "")),
        "must be an origin like https://news.example.org",
      )
      .transform((u) => u.replace(/\/$/, ""))
      .default("http://localhost:3000"),
    language: z.string().min(2).max(20).default("en"),
    /** Slug of the site page that sets out the editorial standards ("Why you can trust …"). */
    standardsPage: z.string().default("editorial-standards"),
    /** IANA time zone for the dates readers see (the `datetime` attributes carry its offset). */
    // Any zone the runtime knows (Asia/Kolkata as well as its older name
    // Asia/Calcutta); the API document lists the runtime's own names.
    timeZone: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, "must be an IANA time zone such as Europe/London or UTC")
      .meta({ enum: TIME_ZONES })
      .default("UTC"),
  })
  .strict();

/**
 * Which proxies to believe about the client's address and scheme: none (the
 * default, right when Gazette faces the internet), a hop count (1: the one
 * load balancer in front), or a list of addresses / CIDR ranges (and
 * "loopback", "linklocal", "uniquelocal"). As a string (the environment's
 * GAZETTE_TRUST_PROXY): "", "none", "1", "10.0.0.0/8,127.0.0.1".
 */
export const trustProxySchema = z.union([
  z.literal(false),
  z
    .number()
    .int()
    .min(1, "a hop count must be at least 1")
    .max(20, "a hop count above 20 is surely a mistake"),
  z
    .array(z.string().trim())
    .min(1)
    .superRefine((list, ctx) => {
      for (const e of list) {
        const problem = proxyEntryProblem(e);
        if (problem)
          ctx.addIssue({
            code: "custom",
            message: `${problem}; list addresses or ranges such as 10.0.0.0/8`,
          });
      }
    }),
]);

export function parseTrustProxy(text: string): z.output<typeof trustProxySchema> | { error: string } {
  const t = text.trim();
  if (t === "" || t === "none" || t === "false" || t === "0") return false;
  const parsed = trustProxySchema.safeParse(
    /^\d+$/.test(t)
      ? Number(t)
      : t
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean),
  );
  return parsed.success ? parsed.data : { error: parsed.error.issues.map((i) => i.message).join("; ") };
}

export const cacheSchema = z
  .object({
    /** Keep rendered reader pages in memory (GAZETTE_CACHE=0 turns it off). */
    enabled: z.boolean().default(true),
    /** Most pages kept; the least recently used go first. */
    maxEntries: z.number().int().min(0).max(1_000_000).default(20_000),
    /** How often each process reads the change feed, in milliseconds. */
    pollMs: z.number().int().min(20).max(60_000).default(100),
    /** Browser cache lifetime of reader pages, seconds. */
    maxAge: z.number().int().min(0).default(0),
    /** Shared (CDN) cache lifetime, seconds: `s-maxage`. */
    sMaxAge: z.number().int().min(0).default(300),
    /** Seconds a CDN may serve a stale page while it fetches a fresh one. */
    staleWhileRevalidate: z.number().int().min(0).default(600),
    /** POSTed `{"keys": [...]}` on every change, so a CDN can purge by surrogate key. */
    purgeUrl: z
      .string()
      .refine((u) => /^https?:\/\/\S+$/.test(u) && URL.canParse(u), "must be an http(s) URL")
      .optional(),
    /** Sent as `Authorization: Bearer …` to the purge URL. */
    purgeToken: z.string().min(1).optional(),
  })
  .strict();

export const newsroomSchema = z
  .object({
    /** Largest image upload, megabytes. */
    maxImageMb: z.number().min(1).max(200).default(25),
    /** Largest picture, megapixels (width × height): bigger ones are refused before they are decoded. */
    maxImageMegapixels: z.number().min(1).max(268).default(100),
    /** Largest video upload, megabytes. */
    maxVideoMb: z.number().min(1).max(4000).default(500),
    /** Largest WordPress or Ghost export uploaded in the newsroom's Import page, megabytes. */
    maxImportMb: z.number().min(1).max(20_000).default(2000),
    /** How often each process looks for scheduled stories that are due, milliseconds (0: never; for tests). */
    schedulerMs: z.number().int().min(0).max(600_000).default(5_000),
  })
  .strict();

export const wireSchema = z
  .object({
    /** How often each process looks for due wire feeds (watch folders, polls), milliseconds (0: never; for tests). */
    runnerMs: z.number().int().min(0).max(600_000).default(2_000),
    /**
     * How long a process holds a feed's run before another may take it over,
     * seconds: renewed as the run goes, so it matters only when a process dies.
     */
    leaseSeconds: z.number().int().min(2).max(3600).default(60),
    /** Largest push body, megabytes (checked before the feed is known; a feed may set a lower limit). */
    maxPushMegabytes: z.number().min(1).max(500).default(20),
    /**
     * Feeds defined here are created or updated on start (by name) and win
     * over edits made in the newsroom; feeds added in the newsroom stay.
     */
    feeds: z.array(wireFeedInputSchema).default([]),
  })
  .strict();

export const mailSchema = z
  .object({
    /** Sender of verification and reply-notification emails. */
    from: z.string().min(3).max(200).default("Gazette <no-reply@localhost>"),
    /** smtp://user:pass@host:587 or smtps://…; unset: emails are written to the log (development). */
    smtpUrl: z
      .string()
      .refine((u) => /^smtps?:\/\/\S+$/.test(u) && URL.canParse(u), "must be an smtp:// or smtps:// URL")
      .optional(),
    /** DKIM signing of newsletters: the signing domain, the DNS selector, and the private key's PEM file. */
    dkim: z
      .object({
        domain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "must be a domain such as news.example.org"),
        selector: z.string().regex(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i, "must be a DNS label such as gazette"),
        privateKeyFile: z.string().min(1),
      })
      .strict()
      .optional(),
  })
  .strict();

export const newslettersSchema = z
  .object({
    /** How often each process looks for issues to send and digests that are due, milliseconds (0: never; for tests). */
    runnerMs: z.number().int().min(0).max(600_000).default(1_000),
    /** How long a process holds a batch of deliveries before another may take it over, seconds (renewed as it sends). */
    leaseSeconds: z.number().int().min(2).max(3600).default(60),
    /** Deliveries a process claims at a time. */
    batchSize: z.number().int().min(1).max(5000).default(200),
    /** SMTP connections each process keeps open. */
    connections: z.number().int().min(1).max(50).default(5),
    /** Most messages per second from each process (0: as fast as the SMTP server takes them). */
    ratePerSecond: z.number().min(0).max(10_000).default(0),
    /** Attempts at a temporary failure before the delivery counts as failed. */
    maxAttempts: z.number().int().min(1).max(20).default(6),
    /** Soft bounces in a row that suppress an address. */
    softBounceLimit: z.number().int().min(1).max(20).default(3),
    /** How long a confirmation link works, hours. */
    confirmationHours: z.number().int().min(1).max(720).default(48),
    /** A scheduled digest is prepared this long before it goes, for editors to look at, minutes. */
    digestLeadMinutes: z.number().int().min(0).max(1440).default(60),
    /** The address of List-Unsubscribe's mailto (default: the newsletter's reply-to, else its sender). */
    unsubscribeMailbox: z.email().optional(),
    /** The key of Gazette's own bounce webhook (X-Gazette-Signature: sha256=HMAC of the body); unset: that webhook is off. */
    webhookSecret: z.string().min(16, "must be at least 16 characters").optional(),
    /** Amazon SES notifications through SNS: the topics accepted (none: off) and where signing certificates may come from. */
    ses: z
      .object({
        topicArns: z
          .array(z.string().regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/, "must be an SNS topic ARN"))
          .default([]),
        certificateUrlPattern: z
          .string()
          .default("^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[^?#]+\\.pem$")
          .refine((p) => {
            try {
              new RegExp(p);
              return true;
            } catch {
              return false;
            }
          }, "must be a regular expression"),
      })
      .strict()
      .default({
        topicArns: [],
        certificateUrlPattern: "^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[^?#]+\\.pem$",
      }),
    /** Postmark webhooks: the HTTP basic-auth user and password set on the webhook in Postmark (unset: off). */
    postmark: z
      .object({
        username: z.string().min(1).max(100),
        password: z.string().min(16, "must be at least 16 characters"),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * Memberships: the meter, the free preview, who reads comments on gated
 * stories, the crawler list, gifts, and Stripe (off without its keys: the
 * paid plans are then hidden, everything else works).
 */
export const membershipsSchema = z
  .object({
    meter: z
      .object({
        /** Gated stories a month a visitor without an account may read. */
        anonymous: z.number().int().min(0).max(100).default(3),
        /** … and a reader with a free account. */
        registered: z.number().int().min(0).max(100).default(10),
      })
      .strict()
      .default({ anonymous: 3, registered: 10 }),
    /** Paragraphs of a gated story everyone sees, unless the editor marked where the preview ends. */
    previewParagraphs: z.number().int().min(1).max(50).default(3),
    /** Comments on a gated story: readable by everyone, or only by readers who may read the story. */
    comments: z.enum(["everyone", "entitled"]).default("everyone"),
    /**
     * A file of IP ranges (CIDR, one per line, or a search engine's published
     * JSON) whose requests read gated stories in full. Re-read when it changes.
     */
    crawlerRangesFile: z.string().min(1).optional(),
    /** Days a past-due subscription keeps its access while Stripe retries the payment. */
    pastDueGraceDays: z.number().int().min(0).max(60).default(7),
    gifts: z
      .object({
        /** How many people one gift link opens the story for. */
        maxUses: z.number().int().min(1).max(1000).default(10),
        /** How long a gift link works, days. */
        days: z.number().int().min(1).max(365).default(30),
        /** Gift links a subscriber may make a month. */
        perMonth: z.number().int().min(0).max(1000).default(10),
      })
      .strict()
      .default({ maxUses: 10, days: 30, perMonth: 10 }),
    /** How long a story link in a newsletter opens a gated story, days. */
    newsletterLinkDays: z.number().int().min(1).max(90).default(7),
    stripe: z
      .object({
        /** The secret API key (sk_live_… / sk_test_…); or GAZETTE_STRIPE_SECRET_KEY. */
        secretKey: z
          .string()
          .regex(/^(sk|rk)_(test|live)_\w+$/, "must be a Stripe secret key (sk_test_… or sk_live_…)")
          .optional(),
        /** The webhook endpoint's signing secret (whsec_…); or GAZETTE_STRIPE_WEBHOOK_SECRET. */
        webhookSecret: z
          .string()
          .regex(/^whsec_\w+$/, "must be a Stripe webhook signing secret (whsec_…)")
          .optional(),
        /** Another address for Stripe's API (a test stand-in): http(s)://host:port. */
        apiUrl: z.url({ protocol: /^https?$/ }).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** Where an S3-compatible bucket keeps the media: `s3://BUCKET[/PREFIX]?region=R&endpoint=URL&forcePathStyle=true`. */
export interface S3Location {
  bucket: string;
  /** Keys go under this prefix ("prod" → prod/images/…); "" for the bucket's root. */
  prefix: string;
  region: string | undefined;
  /** For services other than AWS (R2, MinIO, Ceph, a test server). */
  endpoint: string | undefined;
  forcePathStyle: boolean;
}

const MEDIA_URL_HELP =
  "must be s3://BUCKET[/PREFIX][?region=R&endpoint=https://…&forcePathStyle=true], e.g. s3://news-media/prod?region=eu-west-1";

/** Reads a media store URL; a string saying what is wrong when it is not one. */
export function parseMediaUrl(text: string): S3Location | string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return MEDIA_URL_HELP;
  }
  if (u.protocol !== "s3:" || !u.hostname) return MEDIA_URL_HELP;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(u.hostname))
    return `"${u.hostname}" is not a bucket name (3-63 lower-case letters, digits, dots and hyphens)`;
  const known = new Set(["region", "endpoint", "forcePathStyle"]);
  for (const k of u.searchParams.keys())
    if (!known.has(k)) return `unknown option "${k}" (known: region, endpoint, forcePathStyle)`;
  const endpoint = u.searchParams.get("endpoint") ?? undefined;
  if (endpoint !== undefined && !(/^https?:\/\/\S+$/.test(endpoint) && URL.canParse(endpoint)))
    return `endpoint "${endpoint}" must be an http(s) URL`;
  const style = u.searchParams.get("forcePathStyle");
  if (style !== null && style !== "true" && style !== "false") return "forcePathStyle must be true or false";
  const prefix = decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, "");
  if (prefix && !/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(prefix))
    return `the prefix "${prefix}" may use letters, digits, ".", "_", "-" and "/" only`;
  return {
    bucket: u.hostname,
    prefix,
    region: u.searchParams.get("region") ?? undefined,
    endpoint,
    forcePathStyle: style === "true",
  };
}

/** The CDN base for media links: https only (the pages' Content-Security-Policy loads media over https). */
const mediaPublicUrl = z
  .string()
  .refine(
    (u) => /^https:\/\/\S+$/.test(u) && URL.canParse(u),
    "must be an https URL (the pages' Content-Security-Policy loads media over https only)",
  );

export const mediaSchema = z
  .object({
    /** `s3://BUCKET[/PREFIX]?…` (see parseMediaUrl); unset: the local folder `<data>/media`. */
    url: z.string().optional(),
    /** Media are linked at this base (a CDN in front of the bucket) instead of served by Gazette. */
    publicUrl: mediaPublicUrl.optional(),
  })
  .strict();

/**
 * Advertising beyond the slot rules (`ads`): how the counts are kept. The
 * ad server's tag and consent join this group.
 */
export const advertisingSchema = z
  .object({
    /**
     * How often each process adds its counts (impressions, viewable, clicks)
     * to the database and rereads its campaigns, milliseconds (0: only when
     * asked; for tests).
     */
    flushMs: z.number().int().min(0).max(600_000).default(5_000),
    /**
     * An ad server's tag for the slots Gazette's own campaigns leave to house
     * ads (Google Ad Manager through GPT). Without it no third-party script
     * ever loads.
     */
    adServer: z
      .object({
        kind: z.literal("gam"),
        /** The Ad Manager network code (digits). */
        networkCode: z.string().regex(/^\d{1,20}$/, "must be the Ad Manager network code (digits only)"),
        /** The ad unit path per kind of slot, under the network: "/1234/gazette/top". */
        adUnits: z
          .object({
            top: z.string().regex(/^\/\d+\/[\w./-]+$/, "must be an ad unit path such as /1234/news/top"),
            body: z.string().regex(/^\/\d+\/[\w./-]+$/, "must be an ad unit path such as /1234/news/body"),
            rail: z.string().regex(/^\/\d+\/[\w./-]+$/, "must be an ad unit path such as /1234/news/rail"),
            list: z.string().regex(/^\/\d+\/[\w./-]+$/, "must be an ad unit path such as /1234/news/list"),
          })
          .strict(),
      })
      .strict()
      .optional(),
    /**
     * Consent for personalised ads and third-party tags. `required`: the ad
     * server's tag loads only after the reader accepts (first-party notice),
     * or after an IAB TCF v2.2 CMP (`cmpScriptUrl`) signals consent.
     */
    consent: z
      .object({
        required: z.boolean().default(true),
        /** An IAB TCF v2.2 consent management platform's script, used instead of Gazette's own notice. */
        cmpScriptUrl: z.url({ protocol: /^https$/, error: "must be the CMP's https script URL" }).optional(),
      })
      .strict()
      .default({ required: true }),
  })
  .strict();

export const fileConfigSchema = z
  .object({
    media: mediaSchema.default(mediaSchema.parse({})),
    mail: mailSchema.default(mailSchema.parse({})),
    newsroom: newsroomSchema.default(newsroomSchema.parse({})),
    wire: wireSchema.default(wireSchema.parse({})),
    newsletters: newslettersSchema.default(newslettersSchema.parse({})),
    memberships: membershipsSchema.default(membershipsSchema.parse({})),
    cache: cacheSchema.default(cacheSchema.parse({})),
    site: siteSchema.default(siteSchema.parse({})),
    ads: adRulesSchema.default(adRulesSchema.parse({})),
    advertising: advertisingSchema.default(advertisingSchema.parse({})),
    /** Stories per page on section, topic and author pages. */
    pageSize: z.number().int().min(1).max(100).default(20),
    /** The proxies whose X-Forwarded-For / -Proto are believed (see trustProxySchema). */
    trustProxy: trustProxySchema.optional(),
  })
  .strict();

export type SiteConfig = z.output<typeof siteSchema>;

/** Parses one proxy entry: an IPv4/IPv6 address, a CIDR range, or a name proxy-addr knows. */
function proxyEntryProblem(entry: string): string | undefined {
  if (["loopback", "linklocal", "uniquelocal"].includes(entry)) return undefined;
  const [addr, bits, extra] = entry.split("/");
  const version = net.isIP(addr ?? "");
  if (!version || extra !== undefined) return `"${entry}" is not an IP address or CIDR range`;
  if (bits !== undefined) {
    const n = Number(bits);
    if (!/^\d{1,3}$/.test(bits) || n > (version === 4 ? 32 : 128))
      return `"${entry}": the prefix length must be 0-${version === 4 ? 32 : 128}`;
  }
  return undefined;
}

export interface Config {
  port: number;
  /** The proxies whose forwarded headers are believed; false: none. */
  trustProxy: TrustProxy;
  host: string;
  dataDir: string;
  /** PostgreSQL connection URL; the embedded SQLite file in `dataDir` when absent. */
  databaseUrl: string | undefined;
  /** Media store folder (uploaded and imported files, renditions) when media are kept locally. */
  mediaDir: string;
  /** The media store: a bucket (`s3`) or, when unset, the local folder `mediaDir`; and a CDN base URL. */
  media: { s3: S3Location | undefined; publicUrl: string | undefined };
  /** Fastify/pino log level for `gazette serve` (LOG_LEVEL). */
  logLevel: string;
  /** Seed the demo newsroom when the database is empty. */
  seedDemo: boolean;
  site: SiteConfig;
  ads: z.output<typeof adRulesSchema>;
  advertising: z.output<typeof advertisingSchema>;
  pageSize: number;
  cache: z.output<typeof cacheSchema>;
  newsroom: z.output<typeof newsroomSchema>;
  wire: z.output<typeof wireSchema>;
  newsletters: z.output<typeof newslettersSchema>;
  /** Memberships; `crawlerRangesFile` is absolute; `stripe` is set only with both keys. */
  memberships: Omit<z.output<typeof membershipsSchema>, "stripe"> & {
    stripe: { secretKey: string; webhookSecret: string; apiUrl: string | undefined } | undefined;
  };
  mail: Omit<z.output<typeof mailSchema>, "dkim"> & {
    /** DKIM signing with the key read from `privateKeyFile`. */
    dkim: { domain: string; selector: string; privateKey: string } | undefined;
  };
}

type TrustProxy = false | number | string[];

/** Reads and checks the DKIM private key named in the configuration. */
function readDkimKey(
  d: { domain: string; selector: string; privateKeyFile: string },
  base: string,
): { domain: string; selector: string; privateKey: string } {
  const file = path.resolve(base, d.privateKeyFile);
  let privateKey: string;
  try {
    privateKey = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(
      `mail.dkim.privateKeyFile: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"}); point it at the PEM file of the DKIM key`,
    );
  }
  try {
    const key = crypto.createPrivateKey(privateKey);
    if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "ed25519")
      throw new Error(`a ${key.asymmetricKeyType} key`);
  } catch (err) {
    throw new ConfigError(
      `mail.dkim.privateKeyFile: ${file} is not an RSA or Ed25519 private key in PEM (${(err as Error).message}); make one with: openssl genrsa -out dkim.pem 2048`,
    );
  }
  return { domain: d.domain.toLowerCase(), selector: d.selector, privateKey };
}

/**
 * Reads the operator's crawler list: readable, at most 5 MB, every entry a
 * range; a ConfigError naming the file and the entry otherwise. Checked when
 * the configuration loads, and read again by the gate when the file changes.
 */
export function readCrawlerList(file: string): IpRanges {
  let text: string;
  try {
    if (fs.statSync(file).size > 5 * 1024 * 1024)
      throw new ConfigError(
        `memberships.crawlerRangesFile: ${file} is larger than 5 MB; keep only the search engines' ranges`,
      );
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      `memberships.crawlerRangesFile: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"}); point it at a file of CIDR ranges, one per line, or a search engine's published JSON`,
    );
  }
  try {
    return IpRanges.of(rangesFromText(text));
  } catch (err) {
    throw new ConfigError(`memberships.crawlerRangesFile: ${file}: ${(err as Error).message}`);
  }
}

function memberships(
  m: z.output<typeof membershipsSchema>,
  env: { GAZETTE_STRIPE_SECRET_KEY?: string | undefined; GAZETTE_STRIPE_WEBHOOK_SECRET?: string | undefined },
  base: string,
): Config["memberships"] {
  const secretKey = env.GAZETTE_STRIPE_SECRET_KEY ?? m.stripe.secretKey;
  const webhookSecret = env.GAZETTE_STRIPE_WEBHOOK_SECRET ?? m.stripe.webhookSecret;
  if (!!secretKey !== !!webhookSecret)
    throw new ConfigError(
      `memberships.stripe: set both the secret key (GAZETTE_STRIPE_SECRET_KEY) and the webhook signing secret (GAZETTE_STRIPE_WEBHOOK_SECRET), or neither; Stripe needs both`,
    );
  const crawlerRangesFile = m.crawlerRangesFile ? path.resolve(base, m.crawlerRangesFile) : undefined;
  if (crawlerRangesFile) readCrawlerList(crawlerRangesFile);
  return {
    ...m,
    ...(crawlerRangesFile ? { crawlerRangesFile } : {}),
    stripe: secretKey && webhookSecret ? { secretKey, webhookSecret, apiUrl: m.stripe.apiUrl } : undefined,
  };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function formatIssues(where: string, error: z.ZodError): string {
  return error.issues
    .map((i) => `${where}: ${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("\n");
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("localhost"),
  GAZETTE_DATA: z.string().min(1).default("./data"),
  GAZETTE_CONFIG: z.string().min(1).optional(),
  GAZETTE_SITE_NAME: z.string().min(1).max(100).optional(),
  GAZETTE_BASE_URL: z.string().optional(),
  GAZETTE_DEMO: z.enum(["0", "1", "true", "false"]).optional(),
  GAZETTE_CACHE: z.enum(["0", "1", "true", "false"]).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  GAZETTE_TRUST_PROXY: z.string().optional(),
  GAZETTE_MEDIA_URL: z.string().optional(),
  GAZETTE_MEDIA_PUBLIC_URL: mediaPublicUrl.optional(),
  GAZETTE_NEWSLETTER_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  GAZETTE_STRIPE_SECRET_KEY: membershipsSchema.shape.stripe.unwrap().shape.secretKey,
  GAZETTE_STRIPE_WEBHOOK_SECRET: membershipsSchema.shape.stripe.unwrap().shape.webhookSecret,
  GAZETTE_SMTP_URL: z
    .string()
    .refine((u) => /^smtps?:\/\/\S+$/.test(u) && URL.canParse(u), "must be an smtp:// or smtps:// URL")
    .optional(),
  DATABASE_URL: z
    .string()
    .refine(
      (u) => /^postgres(ql)?:\/\/\S+$/.test(u) && URL.canParse(u),
      "must be a postgres:// URL, e.g. postgres://user:password@localhost:5432/gazette",
    )
    .optional(),
});

/**
 * Reads the configuration from `env` and the JSON file named by
 * `GAZETTE_CONFIG` (default `<GAZETTE_DATA>/gazette.config.json` if it exists;
 * `gazette.config.json` in the working directory otherwise, if it exists).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const e = envSchema.safeParse(env);
  if (!e.success) throw new ConfigError(formatIssues("environment", e.error));
  const dataDir = path.resolve(cwd, e.data.GAZETTE_DATA);
  const candidates = e.data.GAZETTE_CONFIG
    ? [path.resolve(cwd, e.data.GAZETTE_CONFIG)]
    : [path.join(dataDir, "gazette.config.json"), path.resolve(cwd, "gazette.config.json")];
  let raw: unknown = {};
  const file = candidates.find((f) => fs.existsSync(f));
  if (e.data.GAZETTE_CONFIG && !file) {
    throw new ConfigError(`GAZETTE_CONFIG: no file at ${candidates[0]}; create it or unset the variable`);
  }
  if (file) {
    try {
      raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new ConfigError(`${file}: not valid JSON (${(err as Error).message}); fix the syntax`);
    }
  }
  const parsed = fileConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatIssues(file ?? "config", parsed.error));
  const site = { ...parsed.data.site };
  if (e.data.GAZETTE_SITE_NAME) site.name = e.data.GAZETTE_SITE_NAME;
  if (e.data.GAZETTE_BASE_URL) {
    const b = siteSchema.shape.baseUrl.safeParse(e.data.GAZETTE_BASE_URL);
    if (!b.success) throw new ConfigError(formatIssues("environment GAZETTE_BASE_URL", b.error));
    site.baseUrl = b.data;
  } else if (!file || !(raw as { site?: { baseUrl?: string } }).site?.baseUrl) {
    site.baseUrl = `http://localhost:${e.data.PORT || 3000}`;
  }
  let trustProxy = parsed.data.trustProxy ?? false;
  if (e.data.GAZETTE_TRUST_PROXY !== undefined) {
    const t = parseTrustProxy(e.data.GAZETTE_TRUST_PROXY);
    if (typeof t === "object" && !Array.isArray(t))
      throw new ConfigError(`environment GAZETTE_TRUST_PROXY: ${t.error}`);
    trustProxy = t;
  }
  const mediaUrl = e.data.GAZETTE_MEDIA_URL || parsed.data.media.url;
  let s3: S3Location | undefined;
  if (mediaUrl) {
    const where = e.data.GAZETTE_MEDIA_URL ? "environment GAZETTE_MEDIA_URL" : `${file}: media.url`;
    const m = parseMediaUrl(mediaUrl);
    if (typeof m === "string") throw new ConfigError(`${where}: ${m}`);
    s3 = m;
  }
  return {
    port: e.data.PORT,
    trustProxy,
    media: { s3, publicUrl: e.data.GAZETTE_MEDIA_PUBLIC_URL || parsed.data.media.publicUrl },
    host: e.data.HOST,
    dataDir,
    databaseUrl: e.data.DATABASE_URL || undefined,
    mediaDir: path.join(dataDir, "media"),
    logLevel: e.data.LOG_LEVEL,
    seedDemo:
      e.data.GAZETTE_DEMO === undefined
        ? true
        : e.data.GAZETTE_DEMO === "1" || e.data.GAZETTE_DEMO === "true",
    site,
    ads: parsed.data.ads,
    advertising: parsed.data.advertising,
    pageSize: parsed.data.pageSize,
    cache: {
      ...parsed.data.cache,
      ...(e.data.GAZETTE_CACHE !== undefined
        ? { enabled: e.data.GAZETTE_CACHE === "1" || e.data.GAZETTE_CACHE === "true" }
        : {}),
    },
    newsroom: parsed.data.newsroom,
    wire: parsed.data.wire,
    newsletters: {
      ...parsed.data.newsletters,
      ...(e.data.GAZETTE_NEWSLETTER_WEBHOOK_SECRET
        ? { webhookSecret: e.data.GAZETTE_NEWSLETTER_WEBHOOK_SECRET }
        : {}),
    },
    memberships: memberships(parsed.data.memberships, e.data, file ? path.dirname(file) : cwd),
    mail: {
      ...parsed.data.mail,
      ...(e.data.GAZETTE_SMTP_URL ? { smtpUrl: e.data.GAZETTE_SMTP_URL } : {}),
      dkim: parsed.data.mail.dkim && readDkimKey(parsed.data.mail.dkim, file ? path.dirname(file) : cwd),
    },
  };
}
