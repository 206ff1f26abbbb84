/** Talking to the admin API in integration tests: accounts, sessions, CSRF, JSON calls. */
import assert from "node:assert/strict";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { hashPassword } from "../src/auth/passwords.ts";
import type { Db } from "../src/store/database.ts";
import { createSession } from "../src/store/session-store.ts";
import { type User, type UserRole, createUser } from "../src/store/user-store.ts";

export const TEST_PASSWORD = "correct horse battery staple";
/** The Origin of a page of the site under test (light-my-request's Host is localhost:80). */
export const SAME_SITE = "http://localhost";

/** One scrypt hash for every test account: hashing is deliberately slow. */
let hashed: Promise<string> | undefined;

export async function addUser(db: Db, role: UserRole, name = `Test ${role}`): Promise<User> {
  hashed ??= hashPassword(TEST_PASSWORD);
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}@example.org`;
  return createUser(db, { email, name, role, passwordHash: await hashed });
}

export interface Client {
  user: User | undefined;
  cookie: string;
  csrf: string;
  call(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** Calls and asserts the status; returns the JSON body. */
  json<T = Record<string, unknown>>(method: string, url: string, body?: unknown, status?: number): Promise<T>;
}

function client(app: FastifyInstance, user: User | undefined, cookie: string, csrf: string): Client {
  const c: Client = {
    user,
    cookie,
    csrf,
    call: (method, url, body, headers = {}) =>
      app.inject({
        method: method as "GET",
        url,
        headers: { cookie: c.cookie, "x-csrf-token": c.csrf, origin: SAME_SITE, ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      }),
    json: async <T>(method: string, url: string, body?: unknown, status = 200) => {
      const res = await c.call(method, url, body);
      assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
      return res.json() as T;
    },
  };
  return c;
}

/** A signed-in client made straight in the store (no password hashing: fast). */
export async function sessionFor(app: FastifyInstance, db: Db, user: User): Promise<Client> {
  const { token, session } = await createSession(db, user.id, { ip: "127.0.0.1", userAgent: "test" });
  return client(app, user, `gz_session=${token}`, session.csrfToken);
}

export function anonymous(app: FastifyInstance): Client {
  return client(app, undefined, "", "");
}

/** Signs in through the API, as the editor does: pre-login CSRF token, then POST /api/admin/session. */
export async function signIn(
  app: FastifyInstance,
  email: string,
  password = TEST_PASSWORD,
  cookie = "",
): Promise<Client> {
  const pre = await app.inject({ url: "/api/admin/session", headers: { cookie } });
  const csrfCookie = /gz_csrf=([^;]+)/.exec(String(pre.headers["set-cookie"] ?? ""))?.[1];
  const token = (pre.json() as { csrfToken: string }).csrfToken;
  const jar = [cookie, csrfCookie ? `gz_csrf=${csrfCookie}` : ""].filter(Boolean).join("; ");
  const res = await app.inject({
    method: "POST",
    url: "/api/admin/session",
    headers: { cookie: jar, "x-csrf-token": token, origin: SAME_SITE },
    payload: { email, password },
  });
  assert.equal(res.statusCode, 200, res.body);
  const session = /gz_session=([^;]+)/.exec(String(res.headers["set-cookie"]))?.[1];
  assert.ok(session, "a session cookie is set");
  const body = res.json() as { csrfToken: string; user: User };
  return client(app, body.user, `gz_session=${session}`, body.csrfToken);
}
