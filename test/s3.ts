/**
 * A real S3 protocol server for the tests: `s3rver` (a local S3
 * implementation that checks request signatures), on a free port of
 * 127.0.0.1 with its files in a temp folder. Credentials are s3rver's own,
 * given to the AWS SDK's default chain through the environment.
 */
import fs from "node:fs";
import S3rver from "s3rver";
import { tempDir } from "./helpers.ts";

export interface TestBucket {
  /** GAZETTE_MEDIA_URL for the bucket. */
  mediaUrl: string;
  endpoint: string;
  stop(): Promise<void>;
}

export async function startS3(bucket = "gazette-media"): Promise<TestBucket> {
  process.env["AWS_ACCESS_KEY_ID"] = "S3RVER";
  process.env["AWS_SECRET_ACCESS_KEY"] = "S3RVER";
  const directory = tempDir("gazette-s3-");
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  let stopped = false;
  return {
    mediaUrl: `s3://${bucket}?region=us-east-1&endpoint=${encodeURIComponent(endpoint)}&forcePathStyle=true`,
    endpoint,
    // Idempotent: a test that stops the bucket to see the site cope, then the cleanup.
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
