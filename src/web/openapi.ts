/**
 * The OpenAPI 3.1 document of every JSON endpoint — the newsroom's admin
 * API and the public API (search, comments, reader accounts) — made from
 * the declared endpoints themselves (zod schemas → JSON Schema with zod's
 * own toJSONSchema), so the documentation cannot drift from what the
 * server checks. HTML pages and files are not in it.
 */
import { type ZodType, z } from "zod";
import { PERMISSIONS } from "../auth/permissions.ts";
import { ERROR_MESSAGES } from "../content/errors.ts";
import { type Endpoint, guardOf } from "./endpoint.ts";

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

function schemaOf(s: ZodType): JsonSchema {
  const out = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as JsonSchema;
  delete out.$schema;
  return out;
}

function parametersOf(s: ZodType | undefined, where: "path" | "query") {
  if (!s) return [];
  const js = schemaOf(s);
  return Object.entries(js.properties ?? {}).map(([name, schema]) => ({
    name,
    in: where,
    required: where === "path" || (js.required ?? []).includes(name),
    schema,
  }));
}

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: Object.keys(ERROR_MESSAGES) },
        message: { type: "string" },
        fields: {
          type: "array",
          items: {
            type: "object",
            required: ["path", "message"],
            properties: { path: { type: "string" }, message: { type: "string" } },
          },
        },
      },
      additionalProperties: true,
    },
  },
};

/** Whether an endpoint answers JSON (always, or when asked) and so belongs in the document. */
export const answersJson = (e: Endpoint) => e.responds === "json" || e.responds === "negotiated";

function who(e: Endpoint): string {
  switch (e.access) {
    case "anyone":
      return "Anyone.";
    case "reader":
      return "A signed-in reader (the `gz_reader` cookie).";
    case "signed-in":
      return "Any signed-in newsroom account.";
    default:
      return `Newsroom permission \`${e.access}\` (${(PERMISSIONS[e.access] as readonly string[]).join(", ")}).`;
  }
}

function guardText(e: Endpoint): string {
  switch (guardOf(e)) {
    case "csrf-token":
      return " Send the session's CSRF token in `x-csrf-token` (from GET /api/admin/session).";
    case "same-origin":
      return " Must come from this site (Origin or Referer).";
    case "none":
      return "";
  }
}

export function openApiDocument(endpoints: readonly Endpoint[], baseUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints.filter(answersJson)) {
    const path = e.path.replace(/:(\w+)/g, "{$1}");
    const security =
      e.access === "anyone" ? [] : e.access === "reader" ? [{ reader: [] }] : [{ session: [] }];
    const op: Record<string, unknown> = {
      tags: [e.tag],
      summary: e.summary,
      description: `${who(e)}${guardText(e)}${e.rateLimit ? ` Rate-limited: ${e.rateLimit.max} per ${Math.round(e.rateLimit.windowMs / 60_000)} minutes.` : ""}${e.responds === "negotiated" ? " Answers JSON to `Accept: application/json`, else an HTML page (a form post from a browser)." : ""}`,
      parameters: [...parametersOf(e.params, "path"), ...parametersOf(e.query, "query")],
      responses: {
        [String(e.status ?? 200)]: { description: "Success", content: { "application/json": {} } },
        default: {
          description: "An error, always in this shape",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
      security,
    };
    if (e.body) {
      const schema = schemaOf(e.body);
      op.requestBody = {
        required: true,
        content: {
          "application/json": { schema },
          ...(e.form ? { "application/x-www-form-urlencoded": { schema } } : {}),
        },
      };
    } else if (e.multipart) {
      op.requestBody = {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              required: ["file"],
              properties: { file: { type: "string", format: "binary" } },
              additionalProperties: { type: "string" },
            },
          },
        },
      };
    }
    (paths[path] ??= {})[e.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Gazette API",
      version: "1",
      description:
        "Gazette's JSON API: the newsroom's admin API (sign in with POST /api/admin/session, CSRF token from GET /api/admin/session; the session is a cookie) and the public API (search, comments, reader accounts; reader sessions are the gz_reader cookie, and writes must come from this site). Every error has the shape {error: {code, message, fields?}}.",
    },
    servers: [{ url: baseUrl }],
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "gz_session" },
        reader: { type: "apiKey", in: "cookie", name: "gz_reader" },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
