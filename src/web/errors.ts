/**
 * Gazette's coded HTTP errors: one table, a code is never reused. Anything
 * thrown is normalised to an HttpError at one boundary (the app's error
 * handler), which renders it as a site page or as JSON.
 */
export const ERRORS = {
  GZ_ERR_NOT_FOUND: { status: 404, message: "There is nothing at this address." },
  GZ_ERR_BAD_PARAMETER: { status: 400, message: "A parameter in the address is not valid." },
  GZ_ERR_BAD_URL: { status: 400, message: "The address is not a valid URL." },
  GZ_ERR_BAD_JSON: { status: 400, message: "The request body is not valid JSON." },
  GZ_ERR_BODY_TOO_LARGE: { status: 413, message: "The request body is too large." },
  GZ_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: "The request body's content type is not supported.",
  },
  GZ_ERR_METHOD_NOT_ALLOWED: { status: 405, message: "That method is not allowed here." },
  GZ_ERR_UNAVAILABLE: { status: 503, message: "The service is not available right now." },
  GZ_ERR_VALIDATION: { status: 400, message: "Some fields are not valid; see `fields`." },
  GZ_ERR_UNAUTHENTICATED: { status: 401, message: "Sign in to do this." },
  GZ_ERR_BAD_CREDENTIALS: { status: 401, message: "That email and password do not match an account." },
  GZ_ERR_FORBIDDEN: { status: 403, message: "Your role does not allow this." },
  GZ_ERR_CSRF: {
    status: 403,
    message:
      "The request lacks a valid CSRF token (send the x-csrf-token header from GET /api/admin/session).",
  },
  GZ_ERR_STORY_NOT_FOUND: { status: 404, message: "There is no story with that id." },
  GZ_ERR_CONFLICT: { status: 409, message: "Someone else changed this since you loaded it." },
  GZ_ERR_INVALID_TRANSITION: {
    status: 409,
    message: "The story cannot make that change in its current state.",
  },
  GZ_ERR_NOT_READY: { status: 422, message: "The story is not ready to publish; see `fields`." },
  GZ_ERR_UPLOAD_TYPE: { status: 415, message: "That file is not a supported type." },
  GZ_ERR_LOCKED_OUT: { status: 429, message: "Too many failed sign-ins. Try again later." },
  GZ_ERR_PREVIEW_LINK: { status: 403, message: "This preview link is not valid or has expired." },
  GZ_ERR_COMMENT_REFUSED: { status: 422, message: "The comment was not accepted; see the message." },
  GZ_ERR_COMMENTS_CLOSED: { status: 409, message: "This story does not take comments now." },
  GZ_ERR_RATE_LIMITED: { status: 429, message: "Too many requests; slow down and try again shortly." },
  GZ_ERR_CROSS_SITE: { status: 403, message: "Forms can only be sent from this site's own pages." },
  GZ_ERR_INTERNAL: { status: 500, message: "Something went wrong on our side. It has been logged." },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class HttpError extends Error {
  override name = "HttpError";
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields?: { path: string; message: string }[],
    /** Further members of the error object (a conflict's latest revision, a lockout's end). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
  }
}

/** Maps Fastify's own error codes (body parsing, routing) to ours. */
export function fromFastifyError(err: { code?: string; statusCode?: number; message: string }): HttpError {
  switch (err.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new HttpError("GZ_ERR_BODY_TOO_LARGE");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new HttpError("GZ_ERR_UNSUPPORTED_MEDIA_TYPE");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new HttpError("GZ_ERR_BAD_JSON", `The request body is not valid JSON: ${err.message}`);
    case "FST_ERR_BAD_URL":
      return new HttpError("GZ_ERR_BAD_URL");
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return new HttpError("GZ_ERR_BAD_JSON", `The request body is not valid JSON: ${err.message}`);
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new HttpError("GZ_ERR_BAD_PARAMETER", err.message);
  }
  return new HttpError("GZ_ERR_INTERNAL");
}
