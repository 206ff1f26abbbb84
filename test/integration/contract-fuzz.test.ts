/**
 * The API against its own document, with a fixed seed: requests generated
 * from `/api/openapi.json` (json-schema-faker) for every JSON endpoint,
 * anonymously and as each newsroom role, on the demo newsroom.
 *
 * - Whatever the document allows, the server's own schemas accept: each
 *   generated path, query and body is parsed with the endpoint's zod schema
 *   (the one the server enforces); a refusal there is drift between the
 *   document and the server.
 * - No answer is a 5xx; every error is `{error: {code, message, fields?}}`
 *   with a code the document lists; a success is JSON.
 * - A body the document does not allow (a wrong type) is a 4xx, never
 *   accepted and never a 5xx.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { generateSync } from "json-schema-faker";
import type { ZodType } from "zod";
import { rng } from "../../src/demo/scenes.ts";
import { type TestEnv, demoEnv } from "../helpers.ts";
import { SAME_SITE, addUser, sessionFor } from "../newsroom-client.ts";
import type { UserRole } from "../../src/store/user-store.ts";

const SEED = 20_261_130;
const ROLES = ["anonymous", "contributor", "moderator", "editor", "admin"] as const;
type Role = (typeof ROLES)[number];

type Schema = Record<string, unknown>;
interface Operation {
  parameters: { name: string; in: "path" | "query"; required: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
}

function hash(s: string): number {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

/**
 * A value json-schema-faker makes for a schema. Its pattern engine reads
 * Unicode property escapes as letters ("\\p{L}" → "p{L}"), so they are
 * spelled out as ASCII ranges for generating only; every value is then
 * checked against the real schema (`allowed`) before it is used.
 */
const fake = (schema: Schema, seed: number): unknown =>
  generateSync(
    JSON.parse(
      JSON.stringify(schema).replaceAll("\\\\p{L}", "A-Za-z").replaceAll("\\\\p{N}", "0-9"),
    ) as never,
    { seed, alwaysFakeOptionals: false, maxItems: 4, maxLength: 60 } as never,
  );

const ajv = new Ajv({ strict: false, unicodeRegExp: true });
addFormats.default(ajv);
const validators = new Map<Schema, ReturnType<Ajv["compile"]>>();
/** Whether the document's schema allows a value (so a refusal by the server is drift, not a faker's mistake). */
function allowed(schema: Schema, value: unknown): boolean {
  let v = validators.get(schema);
  if (!v) validators.set(schema, (v = ajv.compile(schema)));
  return v(value) as boolean;
}

/** A value the schema does not allow: the wrong JSON type for it. */
function wrongType(schema: Schema, random: () => number): unknown {
  const type = schema["type"];
  const options: unknown[] =
    type === "object"
      ? [[], "text", 7, null]
      : type === "array"
        ? [{}, "text", 7]
        : type === "string"
          ? [7, true, [], {}]
          : [[], {}, "not a number"];
  return options[Math.floor(random() * options.length)];
}

describe("the API against its OpenAPI document (fixed seed, sqlite)", { timeout: 300_000 }, () => {
  let env: TestEnv;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: { Error: Schema } } };
  let accounts = 0;
  /**
   * A new account and session for every request: an earlier request may
   * have signed its caller out everywhere, changed its password or had an
   * admin disable it, and the next one must still reach the handler.
   */
  async function headersFor(role: Role): Promise<Record<string, string>> {
    if (role === "anonymous") return { origin: SAME_SITE };
    const user = await addUser(env.db, role as UserRole, `Fuzz ${role} ${++accounts}`);
    const c = await sessionFor(env.app, env.db, user);
    return { cookie: c.cookie, "x-csrf-token": c.csrf, origin: SAME_SITE };
  }

  before(async () => {
    env = await demoEnv("sqlite");
    doc = (await env.app.inject("/api/openapi.json")).json();
  });
  after(() => env.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );

  /** The server's own schemas for an operation of the document. */
  const endpointOf = (method: string, path: string) => {
    const route = path.replace(/\{(\w+)\}/g, ":$1");
    const e = env.app.endpoints.find((x) => x.method === method && x.path === route);
    assert.ok(e, `${method} ${path} is in the document but not served`);
    return e;
  };

  /** One generated request for an operation: its path, query and JSON body (undefined when it has none). */
  function generate(method: string, path: string, op: Operation, seed: number) {
    const random = rng(seed);
    const params: Record<string, string> = {};
    const query: Record<string, string> = {};
    for (const p of op.parameters) {
      // Ids: mostly ones the demo has (1–30), so requests reach the handlers, not only the 404.
      const value =
        p.in === "path" && p.schema["type"] === "integer" && random() < 0.8
          ? 1 + Math.floor(random() * 30)
          : fake(p.schema, seed + hash(p.name));
      if (p.in === "path") params[p.name] = String(value);
      else if (p.required || random() < 0.5) query[p.name] = String(value);
    }
    const schema = op.requestBody?.content["application/json"]?.schema;
    const body = schema ? fake(schema, seed) : undefined;
    const url =
      path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(params[n]!)) +
      (Object.keys(query).length ? `?${new URLSearchParams(query)}` : "");
    return { url, params, query, body, schema };
  }

  it("accepts in its own schemas every path, query and body the document allows", () => {
    const drift: string[] = [];
    const check = (what: string, schema: ZodType | undefined, value: unknown) => {
      if (!schema) return;
      const r = schema.safeParse(value);
      if (!r.success)
        drift.push(
          `${what} ${JSON.stringify(value).slice(0, 200)}: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        );
    };
    let bodies = 0;
    let notAllowed = 0;
    for (const { path, method, op } of operations()) {
      const e = endpointOf(method, path);
      for (let k = 0; k < 8; k++) {
        const g = generate(method, path, op, SEED + hash(`${method} ${path}`) + k);
        check(`${method} ${path} path`, e.params, g.params);
        check(`${method} ${path} query`, e.query, g.query);
        if (!g.schema) continue;
        bodies++;
        if (allowed(g.schema, g.body)) check(`${method} ${path} body`, e.body, g.body);
        else notAllowed++;
      }
    }
    assert.deepEqual(drift, [], `the document allows what the server refuses:\n${drift.join("\n")}`);
    assert.ok(
      notAllowed < bodies / 4,
      `most generated bodies are allowed by the document (${notAllowed} of ${bodies} were not)`,
    );
  });

  it("answers every generated request, as anyone and as each role, without a 5xx and in the documented shapes", async () => {
    const errorShape = ajv.compile(doc.components.schemas.Error);
    const codes = new Set(
      (
        doc.components.schemas.Error as {
          properties: { error: { properties: { code: { enum: string[] } } } };
        }
      ).properties.error.properties.code.enum,
    );
    const problems: string[] = [];
    let sent = 0;
    let succeeded = 0;
    /** Requests the access rules let through (the access matrix checks the refusals). */
    let admitted = 0;
    for (const { path, method, op } of operations()) {
      for (const [i, role] of ROLES.entries()) {
        const seed = SEED + hash(`${method} ${path} ${role}`);
        const g = generate(method, path, op, seed);
        const random = rng(seed);
        // One request in four carries a body of the wrong type; the rest are what the document allows.
        const invalid = g.schema !== undefined && (i + Math.floor(random() * 4)) % 4 === 0;
        const body = invalid ? wrongType(g.schema!, random) : g.body;
        const res = await env.app.inject({
          method: method as "GET",
          url: g.url,
          headers: {
            ...(await headersFor(role)),
            accept: "application/json",
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
          },
          ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
        });
        sent++;
        if (res.statusCode !== 401 && res.statusCode !== 403) admitted++;
        const where = `${role} ${method} ${g.url}${body !== undefined ? ` ${JSON.stringify(body).slice(0, 120)}` : ""}`;
        if (res.statusCode >= 500) {
          problems.push(`${where}: ${res.statusCode} ${res.body.slice(0, 200)}`);
          continue;
        }
        let json: unknown;
        try {
          json = res.body ? res.json() : undefined;
        } catch {
          problems.push(`${where}: ${res.statusCode} is not JSON: ${res.body.slice(0, 120)}`);
          continue;
        }
        if (res.statusCode >= 400) {
          if (!errorShape(json))
            problems.push(`${where}: ${res.statusCode} not the error shape: ${res.body.slice(0, 200)}`);
          else if (!codes.has((json as { error: { code: string } }).error.code))
            problems.push(`${where}: an undocumented code ${res.body.slice(0, 120)}`);
        } else if (!invalid) {
          succeeded++;
        } else {
          problems.push(`${where}: a body of the wrong type was accepted (${res.statusCode})`);
        }
      }
    }
    assert.ok(sent >= 300, `a few hundred requests (sent ${sent})`);
    // Of the requests their caller may make (admin-only endpoints refuse five callers in six by
    // design), a fifth at least succeed rather than stopping at a 400 or a 404.
    assert.ok(succeeded >= admitted / 5, `${succeeded} of ${admitted} admitted requests succeeded`);
    assert.deepEqual(problems, [], problems.join("\n"));
  });
});
