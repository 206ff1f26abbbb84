/**
 * Where media files are kept: a key (`images/ab/<hash>-800.avif`) to bytes.
 * Two implementations: a local folder (the default: `<data>/media`) and an
 * S3-compatible bucket (s3-store.ts). Keys are content-hash names, so a file
 * never changes once written; `put` of a key that exists does nothing.
 * Nothing but a BlobStore touches the media folder.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** The object store holding the media (a bucket) does not answer or refuses us: unreachable, bad credentials, no bucket. */
export class MediaStoreUnavailableError extends Error {
  override name = "MediaStoreUnavailableError";
}

export interface BlobInfo {
  size: number;
  /** A strong validator for the bytes (quoted, as in an ETag header). */
  etag: string;
}

export interface BlobRead extends BlobInfo {
  body: Readable;
  /** The byte range sent, when a range was asked for and satisfiable. */
  range?: { start: number; end: number };
}

export interface BlobStore {
  /** "the folder /srv/gazette/media", "s3://news-media/prod": for messages and logs. */
  readonly description: string;
  /** The local folder, when there is one (its disk's free space is checked by /healthz). */
  readonly localRoot: string | undefined;
  /** Writes a key once: nothing when it exists. Never leaves a partial object or file behind. */
  put(key: string, data: Buffer | Readable, contentType: string): Promise<void>;
  /** The whole file, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  head(key: string): Promise<BlobInfo | undefined>;
  /** A stream of the file (or of `range`, inclusive bytes), or undefined when there is none. */
  read(key: string, range?: { start: number; end?: number }): Promise<BlobRead | undefined>;
  /** Keys under a prefix ("images/ab/"), with their sizes. */
  list(prefix: string): AsyncIterable<{ key: string; size: number }>;
  delete(key: string): Promise<void>;
  /** Whether a write works now: resolves to the error when it does not. */
  probeWrite(): Promise<unknown>;
  /** The public URL of a key, when files are served from elsewhere (a CDN in front of a bucket). */
  publicUrl(key: string): string | undefined;
}

/** Keys are relative, forward-slashed, without "..", "." or empty segments. */
export function checkKey(key: string): string {
  if (
    !/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(key) ||
    key.split("/").some((s) => s === "." || s === "..")
  )
    throw new Error(`not a media key: ${JSON.stringify(key)}`);
  return key;
}

/** The local folder. Files are written to a temporary name and renamed, so a reader never sees half a file. */
export class LocalFolderStore implements BlobStore {
  readonly description: string;
  constructor(readonly localRoot: string) {
    this.description = `the folder ${localRoot}`;
  }

  private file(key: string): string {
    return path.join(this.localRoot, checkKey(key));
  }

  async put(key: string, data: Buffer | Readable): Promise<void> {
    const file = this.file(key);
    if (fs.existsSync(file)) return;
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    try {
      if (Buffer.isBuffer(data)) await fs.promises.writeFile(tmp, data);
      else await pipeline(data, fs.createWriteStream(tmp));
      await fs.promises.rename(tmp, file);
    } catch (err) {
      // A full disk leaves a 0-byte (or cut-short) temp file: never kept.
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.promises.readFile(this.file(key));
    } catch (err) {
      if (
        (err as NodeJS.ErrnoException).code === "ENOENT" ||
        (err as NodeJS.ErrnoException).code === "EISDIR"
      )
        return undefined;
      throw err;
    }
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    try {
      const s = await fs.promises.stat(this.file(key));
      if (!s.isFile()) return undefined;
      return { size: s.size, etag: `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}"` };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  async read(key: string, range?: { start: number; end?: number }): Promise<BlobRead | undefined> {
    const info = await this.head(key);
    if (!info) return undefined;
    if (range) {
      const end = Math.min(range.end ?? info.size - 1, info.size - 1);
      return {
        ...info,
        body: fs.createReadStream(this.file(key), { start: range.start, end }),
        range: { start: range.start, end },
      };
    }
    return { ...info, body: fs.createReadStream(this.file(key)) };
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number }> {
    const walk = async function* (dir: string, rel: string): AsyncIterable<{ key: string; size: number }> {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) yield* walk(path.join(dir, e.name), key);
        else if (e.isFile() && !e.name.endsWith(".tmp") && !e.name.startsWith("."))
          yield { key, size: (await fs.promises.stat(path.join(dir, e.name))).size };
      }
    };
    // Walk from the deepest folder the prefix names, then keep the keys that start with it.
    const folder = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    for await (const item of walk(folder ? path.join(this.localRoot, folder) : this.localRoot, folder))
      if (item.key.startsWith(prefix)) yield item;
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.file(key), { force: true });
  }

  async probeWrite(): Promise<unknown> {
    const probe = path.join(this.localRoot, `.health-probe-${process.pid}`);
    try {
      // Made on first write, as every folder of the store; when it cannot be, the write below says why.
      await fs.promises.mkdir(this.localRoot, { recursive: true }).catch(() => undefined);
      await fs.promises.writeFile(probe, "ok");
      return undefined;
    } catch (err) {
      return err;
    } finally {
      await fs.promises.rm(probe, { force: true });
    }
  }

  publicUrl(): undefined {
    return undefined;
  }
}

/** A Buffer as a stream (for stores that take streams). */
export const streamOf = (data: Buffer) => Readable.from([data]);
