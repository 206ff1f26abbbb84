/**
 * Errors over HTTP: the one table from error code to status, and the one
 * normalisation of anything thrown (a GazetteError from a service, a zod
 * error, one of Fastify's own) into a GazetteError.
 */
import { ZodError } from "zod";
import { type ErrorCode, type FieldProblem, GazetteError } from "../content/errors.ts";
import { storageFailure } from "../store/storage-errors.ts";

/** Every code's HTTP status; the compiler refuses a code left out. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  GZ_ERR_NOT_FOUND: 404,
  GZ_ERR_BAD_PARAMETER: 400,
  GZ_ERR_BAD_URL: 400,
  GZ_ERR_BAD_JSON: 400,
  GZ_ERR_BODY_TOO_LARGE: 413,
  GZ_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  GZ_ERR_METHOD_NOT_ALLOWED: 405,
  GZ_ERR_UNAVAILABLE: 503,
  GZ_ERR_STORAGE: 503,
  GZ_ERR_VALIDATION: 400,
  GZ_ERR_UNAUTHENTICATED: 401,
  GZ_ERR_BAD_CREDENTIALS: 401,
  GZ_ERR_FORBIDDEN: 403,
  GZ_ERR_CSRF: 403,
  GZ_ERR_STORY_NOT_FOUND: 404,
  GZ_ERR_CONFLICT: 409,
  GZ_ERR_DUPLICATE: 409,
  GZ_ERR_INVALID_TRANSITION: 409,
  GZ_ERR_WIRE_ITEM: 409,
  GZ_ERR_WIRE_SIGNATURE: 401,
  GZ_ERR_WEBHOOK_SIGNATURE: 401,
  GZ_ERR_LINK_GONE: 410,
  GZ_ERR_NOT_READY: 422,
  GZ_ERR_UPLOAD_TYPE: 415,
  GZ_ERR_LOCKED_OUT: 429,
  GZ_ERR_PREVIEW_LINK: 403,
  GZ_ERR_COMMENT_NOT_FOUND: 404,
  GZ_ERR_COMMENT_REFUSED: 422,
  GZ_ERR_COMMENTS_CLOSED: 409,
  GZ_ERR_READER_UNVERIFIED: 403,
  GZ_ERR_READER_BANNED: 403,
  GZ_ERR_RATE_LIMITED: 429,
  GZ_ERR_CROSS_SITE: 403,
  GZ_ERR_STRIPE_SIGNATURE: 400,
  GZ_ERR_PAYMENTS_OFF: 404,
  GZ_ERR_PAYMENT_PROVIDER: 502,
  GZ_ERR_INTERNAL: 500,
};

export const statusOf = (err: GazetteError): number => HTTP_STATUS[err.code];

/** zod issues as the API's field list: `[{path: "body.3.content", message}]`. */
export function fieldsOf(error: ZodError): FieldProblem[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join(".") || "(root)",
    message: i.message,
  }));
}

/** Fastify's own error codes (body parsing, routing) as ours. */
function fromFastify(err: { code?: string; statusCode?: number; message: string }): GazetteError {
  switch (err.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new GazetteError("GZ_ERR_BODY_TOO_LARGE", undefined, { cause: err });
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new GazetteError("GZ_ERR_UNSUPPORTED_MEDIA_TYPE", undefined, { cause: err });
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new GazetteError("GZ_ERR_BAD_JSON", `The request body is not valid JSON: ${err.message}`, {
        cause: err,
      });
    case "FST_ERR_BAD_URL":
      return new GazetteError("GZ_ERR_BAD_URL", undefined, { cause: err });
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return new GazetteError("GZ_ERR_BAD_JSON", `The request body is not valid JSON: ${err.message}`, {
      cause: err,
    });
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new GazetteError("GZ_ERR_BAD_PARAMETER", err.message, { cause: err });
  }
  return new GazetteError("GZ_ERR_INTERNAL", undefined, { cause: err });
}

/** Anything thrown, as a GazetteError (the cause kept for the log). */
export function toGazetteError(err: unknown): GazetteError {
  if (err instanceof GazetteError) return err;
  // A full or read-only disk under the database or the media store: the
  // server's condition, not a bug, and the requester is told which and that
  // nothing was saved (the original error goes to the log).
  const storage = storageFailure(err);
  if (storage)
    return new GazetteError("GZ_ERR_STORAGE", storage.message, {
      details: { store: storage.store, problem: storage.problem },
      cause: err,
    });
  if (err instanceof ZodError)
    return new GazetteError("GZ_ERR_VALIDATION", undefined, { fields: fieldsOf(err), cause: err });
  if (err && typeof err === "object" && "message" in err)
    return fromFastify(err as { code?: string; statusCode?: number; message: string });
  return new GazetteError("GZ_ERR_INTERNAL", undefined, { cause: err });
}
