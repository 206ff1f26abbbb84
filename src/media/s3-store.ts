/**
 * Media in an S3-compatible bucket (Amazon S3, Cloudflare R2, Google Cloud
 * Storage's S3 API, MinIO, Ceph) through the official AWS SDK v3. Objects
 * are written once under content-hash keys with an immutable Cache-Control;
 * large files go up in parts (`@aws-sdk/lib-storage`), and an object only
 * exists once whole. Credentials come from the SDK's default chain
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles).
 */
import os from "node:os";
import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { S3Location } from "../config.ts";
import {
  type BlobInfo,
  type BlobRead,
  type BlobStore,
  MediaStoreUnavailableError,
  checkKey,
} from "./blob-store.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";

/** The SDK's "no such object" (HEAD answers a bare 404 named NotFound; GET answers NoSuchKey). */
function missing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404;
}

/** An error of the bucket itself (unreachable, refused credentials, no such bucket), as the media store's. */
function unavailable(description: string, err: unknown): Error {
  if (missing(err)) return err as Error;
  const e = err as { name?: string; code?: string; message?: string };
  return new MediaStoreUnavailableError(
    `${description}: ${e.code ?? e.name ?? "error"}: ${e.message ?? String(err)}`,
    { cause: err },
  );
}

export class S3Store implements BlobStore {
  readonly description: string;
  readonly localRoot = undefined;
  private readonly client: S3Client;

  constructor(
    private readonly location: S3Location,
    private readonly publicBaseUrl?: string,
    client?: S3Client,
  ) {
    this.description = `s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ""}`;
    this.client =
      client ??
      new S3Client({
        ...(location.region ? { region: location.region } : { region: "us-east-1" }),
        ...(location.endpoint ? { endpoint: location.endpoint } : {}),
        forcePathStyle: location.forcePathStyle,
        // A store that does not answer fails the request that needed it, quickly.
        requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
        maxAttempts: 2,
      });
  }

  private key(key: string): string {
    checkKey(key);
    return this.location.prefix ? `${this.location.prefix}/${key}` : key;
  }

  private async guard<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      throw unavailable(this.description, err);
    }
  }

  async put(key: string, data: Buffer | Readable, contentType: string): Promise<void> {
    if (await this.head(key)) return;
    await this.guard(() =>
      new Upload({
        client: this.client,
        params: {
          Bucket: this.location.bucket,
          Key: this.key(key),
          Body: data,
          ContentType: contentType,
          CacheControl: IMMUTABLE,
        },
        // Parts of 8 MB, two at a time: a 500 MB video without holding it twice in memory.
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
      }).done(),
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const r = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(key) }),
      );
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch (err) {
      if (missing(err)) return undefined;
      throw unavailable(this.description, err);
    }
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    try {
      const r = await this.client.send(
        new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.key(key) }),
      );
      return { size: r.ContentLength ?? 0, etag: r.ETag ?? `"${r.ContentLength ?? 0}"` };
    } catch (err) {
      if (missing(err)) return undefined;
      throw unavailable(this.description, err);
    }
  }

  async read(key: string, range?: { start: number; end?: number }): Promise<BlobRead | undefined> {
    try {
      const r = await this.client.send(
        new GetObjectCommand({
          Bucket: this.location.bucket,
          Key: this.key(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end ?? ""}` } : {}),
        }),
      );
      const total = r.ContentRange ? Number(r.ContentRange.split("/")[1]) : (r.ContentLength ?? 0);
      const body = r.Body as unknown as Readable;
      if (range && r.ContentRange) {
        const m = /bytes (\d+)-(\d+)\//.exec(r.ContentRange);
        return {
          size: total,
          etag: r.ETag ?? "",
          body,
          range: { start: Number(m?.[1] ?? range.start), end: Number(m?.[2] ?? total - 1) },
        };
      }
      return { size: total, etag: r.ETag ?? "", body };
    } catch (err) {
      if (missing(err)) return undefined;
      throw unavailable(this.description, err);
    }
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number }> {
    const base = this.location.prefix ? `${this.location.prefix}/` : "";
    let token: string | undefined;
    do {
      const page = await this.guard(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: base + prefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const o of page.Contents ?? [])
        if (o.Key && !o.Key.slice(base.length).startsWith("."))
          yield { key: o.Key.slice(base.length), size: o.Size ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    await this.guard(() =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.key(key) })),
    );
  }

  async probeWrite(): Promise<unknown> {
    const key = `${this.location.prefix ? `${this.location.prefix}/` : ""}.health-probe/${os.hostname()}-${process.pid}`;
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: key,
          Body: "ok",
          ContentType: "text/plain",
        }),
      );
      await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return undefined;
    } catch (err) {
      return unavailable(this.description, err);
    }
  }

  publicUrl(key: string): string | undefined {
    return this.publicBaseUrl ? `${this.publicBaseUrl.replace(/\/$/, "")}/${checkKey(key)}` : undefined;
  }

  /** Closes the SDK's sockets (tests, shutdown). */
  destroy(): void {
    this.client.destroy();
  }
}
