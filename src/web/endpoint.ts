/**
 * Declarative admin endpoints (after Ghost's API endpoints): each names its
 * method, URL, the permission it needs, the zod schemas of its input, and
 * its handler. registerEndpoints turns the table into Fastify routes with
 * the same sign-in, permission, CSRF and validation steps for all, and
 * openapi.ts turns the same table into the OpenAPI document.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { type ZodType, z } from "zod";
import { HttpError } from "./errors.ts";
import type { User } from "../store/user-store.ts";
import type { Action } from "../auth/permissions.ts";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface EndpointContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The signed-in user (endpoints with `permission: "public"` may have none). */
  user: User | undefined;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface Endpoint<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Fastify route syntax: /api/admin/stories/:id */
  url: string;
  /** What the caller must be allowed; "signed-in" is any account, "public" needs none. */
  permission: Action | "signed-in" | "public";
  summary: string;
  tag: string;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** multipart/form-data upload (the handler reads the parts itself). */
  multipart?: boolean;
  /** Success status (200 unless said). */
  status?: number;
  handler(ctx: EndpointContext<P, Q, B>): Promise<unknown>;
}

/** Keeps each endpoint's types while collecting them in one array. */
export function endpoint<P, Q, B>(e: Endpoint<P, Q, B>): Endpoint {
  return e as unknown as Endpoint;
}

/** zod issues as the API's field list: `[{path: "body.3.content", message}]`. */
export function fieldsOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join(".") || "(root)",
    message: i.message,
  }));
}

export function parseOr400<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const r = schema.safeParse(value ?? (where === "body" ? {} : value));
  if (!r.success) {
    throw new HttpError(
      "GZ_ERR_VALIDATION",
      `The ${where} is not valid: ${r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.map(String).join(".") || where}: ${i.message}`)
        .join("; ")}`,
      fieldsOf(r.error),
    );
  }
  return r.data;
}

/** A positive integer id in the URL. */
export const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});
