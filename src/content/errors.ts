/**
 * Gazette's coded errors: one list, a code is never reused. Services throw
 * a GazetteError (or a subclass of their own) carrying a code; they know
 * nothing of HTTP. The web toolkit maps each code to a status in one table
 * (`web/errors.ts`) and renders it as `{error: {code, message, fields?}}`
 * or as the site's error page.
 */
export const ERROR_MESSAGES = {
  GZ_ERR_NOT_FOUND: "There is nothing at this address.",
  GZ_ERR_BAD_PARAMETER: "A parameter in the address is not valid.",
  GZ_ERR_BAD_URL: "The address is not a valid URL.",
  GZ_ERR_BAD_JSON: "The request body is not valid JSON.",
  GZ_ERR_BODY_TOO_LARGE: "The request body is too large.",
  GZ_ERR_UNSUPPORTED_MEDIA_TYPE: "The request body's content type is not supported.",
  GZ_ERR_METHOD_NOT_ALLOWED: "That method is not allowed here.",
  GZ_ERR_UNAVAILABLE: "The service is not available right now.",
  GZ_ERR_STORAGE: "The site cannot save anything right now. Nothing was saved.",
  GZ_ERR_VALIDATION: "Some fields are not valid; see `fields`.",
  GZ_ERR_UNAUTHENTICATED: "Sign in to do this.",
  GZ_ERR_BAD_CREDENTIALS: "That email and password do not match an account.",
  GZ_ERR_FORBIDDEN: "Your role does not allow this.",
  GZ_ERR_CSRF:
    "The request lacks a valid CSRF token (send the x-csrf-token header from GET /api/admin/session).",
  GZ_ERR_STORY_NOT_FOUND: "There is no story with that id.",
  GZ_ERR_CONFLICT: "Someone else changed this since you loaded it.",
  GZ_ERR_DUPLICATE: "That is already there.",
  GZ_ERR_INVALID_TRANSITION: "The story cannot make that change in its current state.",
  GZ_ERR_NOT_READY: "The story is not ready to publish; see `fields`.",
  GZ_ERR_UPLOAD_TYPE: "That file is not a supported type.",
  GZ_ERR_LOCKED_OUT: "Too many failed sign-ins. Try again later.",
  GZ_ERR_PREVIEW_LINK: "This preview link is not valid or has expired.",
  GZ_ERR_COMMENT_NOT_FOUND: "There is no comment with that number.",
  GZ_ERR_COMMENT_REFUSED: "The comment was not accepted; see the message.",
  GZ_ERR_COMMENTS_CLOSED: "This story does not take comments now.",
  GZ_ERR_READER_UNVERIFIED: "Confirm your email address first: follow the link we sent you.",
  GZ_ERR_READER_BANNED: "This account may not comment.",
  GZ_ERR_RATE_LIMITED: "Too many requests; slow down and try again shortly.",
  GZ_ERR_CROSS_SITE: "Forms can only be sent from this site's own pages.",
  GZ_ERR_WIRE_ITEM: "The wire item cannot be used that way; see the message.",
  GZ_ERR_WIRE_SIGNATURE:
    "The push was not signed with this feed's secret (X-Gazette-Signature: sha256=HMAC of the body, or Authorization: Bearer).",
  GZ_ERR_LINK_GONE: "That link was used already or has expired.",
  GZ_ERR_WEBHOOK_SIGNATURE:
    "The notice did not prove where it came from (a signature, or the credentials set on the webhook); nothing was changed.",
  GZ_ERR_STRIPE_SIGNATURE:
    "The event was not signed with this endpoint's Stripe signing secret (Stripe-Signature); nothing was changed.",
  GZ_ERR_PAYMENTS_OFF: "Subscriptions are not sold online on this site.",
  GZ_ERR_PAYMENT_PROVIDER:
    "The payment provider did not answer as expected. Nothing was charged; try again shortly.",
  GZ_ERR_INTERNAL: "Something went wrong on our side. It has been logged.",
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** One problem with one input field: `{path: "body.3.content", message: "is required"}`. */
export interface FieldProblem {
  path: string;
  message: string;
}

export interface GazetteErrorOptions {
  /** Problems per field (validation). */
  fields?: FieldProblem[] | undefined;
  /** Further members of the error object (a conflict's latest revision, a lockout's end). */
  details?: Record<string, unknown> | undefined;
  /** What went wrong underneath, kept for the log. */
  cause?: unknown;
}

export class GazetteError extends Error {
  override name = "GazetteError";
  readonly fields: FieldProblem[] | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** True when the thrower said something more specific than the code's own message. */
  readonly specific: boolean;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    options: GazetteErrorOptions = {},
  ) {
    super(
      message ?? ERROR_MESSAGES[code],
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.specific = message !== undefined;
    this.fields = options.fields;
    this.details = options.details;
  }
}

/** A field that is not valid, as a validation error naming it: `email: is taken`. */
export class FieldError extends GazetteError {
  override name = "FieldError";
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super("GZ_ERR_VALIDATION", `${field}: ${problem}`, { fields: [{ path: field, message: problem }] });
  }
}
