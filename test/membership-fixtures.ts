/** What the memberships tests set up again and again: a gated story, a reader with a session. */
import type { Access } from "../src/content/model.ts";
import type { Db } from "../src/store/database.ts";
import { createReader, createReaderSession, markVerified } from "../src/store/reader-store.ts";
import { type Story, contentOf, saveStory, storyByUri } from "../src/store/story-store.ts";

/** Gives a demo story (by its key: "bridge", "budget" …) this access; returns it as it was. */
export async function gateStory(db: Db, key: string, access: Access): Promise<Story> {
  const s = (await storyByUri(db, `urn:gazette:demo:${key}`))!;
  await saveStory(
    db,
    { ...contentOf(s), access, status: "published" },
    { id: s.id, now: new Date(s.updatedAt) },
  );
  return s;
}

/** A reader with a confirmed address and a session; `cookie` is the session token (gz_reader). */
export async function readerWithSession(
  db: Db,
  email: string,
  opts: { verified?: boolean } = {},
): Promise<{ id: number; cookie: string }> {
  const r = await createReader(db, { email, displayName: "Reader", passwordHash: "!" });
  if (opts.verified !== false) await markVerified(db, r.id);
  return { id: r.id, cookie: await createReaderSession(db, r.id) };
}
