/** The admin API from the browser: JSON in and out, the CSRF token on every write, one error type. */

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken = "";
export function setCsrf(token: string): void {
  csrfToken = token;
}
/** The session's CSRF token, for a request made otherwise than with api() (an upload with progress). */
export function csrf(): string {
  return csrfToken;
}

async function parse<T>(res: Response): Promise<T> {
  return parseText<T>(res.ok, res.status, await res.text());
}

/** An answer's text as data, or its error as an ApiError. */
export function parseText<T>(ok: boolean, status: number, text: string): T {
  const res = { ok, status };
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = (body as { error?: { code: string; message: string; fields?: FieldError[] } } | undefined)
      ?.error;
    if (err) {
      const { code, message, fields, ...details } = err;
      throw new ApiError(res.status, code, message, fields ?? [], details);
    }
    throw new ApiError(
      res.status,
      "GZ_ERR_HTTP",
      `The server answered ${res.status}. Try again in a moment.`,
    );
  }
  return body as T;
}

/**
 * A request that outlives the page (sent as it closes or navigates away):
 * `fetch` with `keepalive`, which, unlike a beacon, carries the CSRF header.
 */
export function apiOnLeave(method: string, url: string): void {
  void fetch(url, {
    method,
    keepalive: true,
    credentials: "same-origin",
    headers: { accept: "application/json", "x-csrf-token": csrfToken },
  }).catch(() => undefined);
}

export async function api<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: {
        accept: "application/json",
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(method !== "GET" ? { "x-csrf-token": csrfToken } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(
      0,
      "GZ_ERR_OFFLINE",
      "Cannot reach the server. Your work is kept in this browser; it will be saved when the connection is back.",
    );
  }
  return parse<T>(res);
}

/** Uploads a file with its text fields (multipart), reporting progress is not needed: files are small. */
export async function upload<T = unknown>(
  url: string,
  file: File,
  fields: Record<string, string> = {},
): Promise<T> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", file);
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "x-csrf-token": csrfToken, accept: "application/json" },
      body: form,
    });
  } catch {
    throw new ApiError(0, "GZ_ERR_OFFLINE", "Cannot reach the server; the upload did not happen.");
  }
  return parse<T>(res);
}

/** What the API returns for the signed-in user. */
export interface Me {
  id: number;
  email: string;
  name: string;
  role: "contributor" | "moderator" | "editor" | "admin";
  authorSlug: string | null;
  permissions: string[];
}

// The story model comes from the content core (types only: nothing of zod reaches the browser bundle).
export type { Block, Inline, Source, StoryContent, StoryStatus as Status } from "../../content/model.ts";
import type { StoryContent, StoryStatus as Status } from "../../content/model.ts";

export interface StoryJson {
  id: number;
  revision: number;
  status: Status;
  path: string | null;
  firstPublishedAt: string | null;
  updatedAt: string;
  scheduledAt: string | null;
  createdBy: number | null;
  content: StoryContent;
  trashedAt: string | null;
  can: {
    edit: boolean;
    submit: boolean;
    withdraw: boolean;
    trash: boolean;
    publish: boolean;
    correct: boolean;
  };
}

export interface ImageJson {
  id: number;
  width: number;
  height: number;
  /** Percent across and down: kept in view wherever the site crops the picture. */
  focalPoint?: { x: number; y: number };
  alt: string;
  caption: string | null;
  credit: string | null;
  thumbnail: string;
  url: string;
}

export interface VideoJson {
  id: number;
  title: string;
  durationSeconds: number | null;
  poster: ImageJson | null;
  sources: { url: string; type: string }[];
  caption: string | null;
  credit: string | null;
}

export interface Section {
  id: number;
  slug: string;
  name: string;
  /** Who may read its stories that set no access of their own (absent: everyone). */
  defaultAccess?: { level: "free" | "registered" | "subscribers"; plans: string[] };
}
export interface Author {
  id: number;
  slug: string;
  name: string;
}
