/**
 * `gazette user …`: newsroom accounts from the command line, for the first
 * admin of a new site and for recovering access.
 *   gazette user add --email E --role contributor|moderator|editor|admin [--name N] [--password-stdin]
 *   gazette user invite --email E --role R      prints a one-time sign-up link (7 days)
 *   gazette user list
 *   gazette user reset-password --email E       new generated password; ends the user's sessions
 *   gazette user disable --email E | enable --email E
 *   gazette user unlock --email E               clears the sign-in slowdown and locks after an attack
 */
import { parseArgs } from "node:util";
import type { Config } from "../config.ts";
import { UserCommandError } from "./usage.ts";
import { generatePassword, hashPassword, PASSWORD_MIN_LENGTH } from "../auth/passwords.ts";
import type { Db } from "../store/database.ts";
import { clearAccountThrottle, deleteUserSessions } from "../store/session-store.ts";
import {
  ROLES,
  type UserRole,
  UserError,
  createInvitation,
  createUser,
  credentialsByEmail,
  emailSchema,
  listUsers,
  updateUser,
} from "../store/user-store.ts";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

function email(v: string | undefined): string {
  if (!v) throw new UserCommandError("--email is required, e.g. --email ana@example.org");
  const r = emailSchema.safeParse(v);
  if (!r.success)
    throw new UserCommandError(`--email: "${v}" must be an email address such as name@example.org`);
  return r.data;
}

function role(v: string | undefined): UserRole {
  if (!v || !(ROLES as readonly string[]).includes(v))
    throw new UserCommandError(`--role must be one of ${ROLES.join(", ")}${v ? ` (got "${v}")` : ""}`);
  return v as UserRole;
}

export async function userCommand(args: string[], config: Config, db: Db): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      "password-stdin": { type: "boolean", default: false },
    },
    allowPositionals: false,
  });
  try {
    switch (sub) {
      case "add": {
        const e = email(values.email);
        const r = role(values.role);
        const name =
          values.name?.trim() ||
          e
            .split("@")[0]!
            .replace(/[._-]+/g, " ")
            .replace(/\b\w/g, (c) => c.toUpperCase());
        let password = generatePassword();
        if (values["password-stdin"]) {
          password = await readStdin();
          if (password.length < PASSWORD_MIN_LENGTH)
            throw new UserCommandError(
              `the password on stdin must be at least ${PASSWORD_MIN_LENGTH} characters`,
            );
        }
        const user = await db
          .transaction()
          .execute(async (tx) =>
            createUser(tx, { email: e, name, role: r, passwordHash: await hashPassword(password) }),
          );
        console.log(`Created ${user.role} ${user.name} <${user.email}>.`);
        if (!values["password-stdin"]) console.log(`Password (shown once): ${password}`);
        console.log(`Sign in at ${config.site.baseUrl.replace(/\/$/, "")}/admin`);
        return 0;
      }
      case "invite": {
        const inv = await createInvitation(db, {
          email: email(values.email),
          role: role(values.role),
          invitedBy: null,
        });
        console.log(`Invitation for ${inv.email} (valid until ${inv.expiresAt}):`);
        console.log(`${config.site.baseUrl.replace(/\/$/, "")}/admin/invite/${inv.token}`);
        return 0;
      }
      case "list": {
        const users = await listUsers(db);
        if (!users.length)
          console.log(
            "No accounts yet. Create one with: gazette user add --email you@example.org --role admin",
          );
        for (const u of users)
          console.log(
            `${u.role.padEnd(11)} ${u.email.padEnd(36)} ${u.name}${u.disabled ? "  (disabled)" : ""}`,
          );
        return 0;
      }
      case "unlock": {
        const found = await credentialsByEmail(db, email(values.email));
        if (!found) throw new UserCommandError(`no account for ${values.email}; see gazette user list`);
        const n = await clearAccountThrottle(db, found.user.email);
        console.log(
          n
            ? `Cleared the sign-in slowdown and locks on ${found.user.email}.`
            : `${found.user.email} had no sign-in slowdown or lock.`,
        );
        return 0;
      }
      case "reset-password":
      case "disable":
      case "enable": {
        const found = await credentialsByEmail(db, email(values.email));
        if (!found) throw new UserCommandError(`no account for ${values.email}; see gazette user list`);
        if (sub === "reset-password") {
          const password = generatePassword();
          await updateUser(db, found.user.id, { passwordHash: await hashPassword(password) });
          await deleteUserSessions(db, found.user.id);
          console.log(`New password for ${found.user.email} (shown once): ${password}`);
        } else {
          await updateUser(db, found.user.id, { disabled: sub === "disable" });
          if (sub === "disable") await deleteUserSessions(db, found.user.id);
          console.log(`${sub === "disable" ? "Disabled" : "Enabled"} ${found.user.email}.`);
        }
        return 0;
      }
      default:
        throw new UserCommandError(
          sub
            ? `unknown user command "${sub}"`
            : "user: say what to do: add, invite, list, reset-password, disable, enable, unlock",
        );
    }
  } catch (err) {
    if (err instanceof UserError)
      throw new UserCommandError(
        `${err.field === "email" ? "--email" : err.field}: ${err.message.replace(/^[^:]+: /, "")}`,
      );
    throw err;
  }
}
