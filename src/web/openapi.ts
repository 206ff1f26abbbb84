/**
 * The OpenAPI 3.1 document of the admin API, made from the endpoint table
 * itself (zod schemas → JSON Schema with zod's own toJSONSchema), so the
 * documentation cannot drift from what the server checks.
 */
import { type ZodType, z } from "zod";
import { ERRORS } from "./errors.ts";
import type { Endpoint } from "./endpoint.ts";
import { PERMISSIONS } from "../auth/permissions.ts";

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
        code: { type: "string", enum: Object.keys(ERRORS) },
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

export function openApiDocument(endpoints: readonly Endpoint[], baseUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints) {
    const path = e.url.replace(/:(\w+)/g, "{$1}");
    const roles =
      e.permission === "public"
        ? "anyone"
        : e.permission === "signed-in"
          ? "any signed-in user"
          : (PERMISSIONS[e.permission] as readonly string[]).join(", ");
    const op: Record<string, unknown> = {
      tags: [e.tag],
      summary: e.summary,
      description: `Permission: ${e.permission === "public" || e.permission === "signed-in" ? e.permission : `\`${e.permission}\``} (${roles}).${e.method !== "GET" ? " Send the session's CSRF token in `x-csrf-token`." : ""}`,
      parameters: [...parametersOf(e.params, "path"), ...parametersOf(e.query, "query")],
      responses: {
        [String(e.status ?? 200)]: { description: "Success", content: { "application/json": {} } },
        default: {
          description: "An error, always in this shape",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
      ...(e.permission === "public" ? { security: [] } : {}),
    };
    if (e.body) {
      op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(e.body) } } };
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
      title: "Gazette admin API",
      version: "1",
      description:
        "The newsroom's JSON API. Sign in with POST /api/admin/session (CSRF token from GET /api/admin/session); the session is a cookie. Every error has the shape {error: {code, message, fields?}}.",
    },
    servers: [{ url: baseUrl }],
    security: [{ session: [] }],
    components: {
      securitySchemes: { session: { type: "apiKey", in: "cookie", name: "gz_session" } },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
