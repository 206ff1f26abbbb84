/**
 * Reading videos with the ffmpeg binary that ships inside the
 * @ffmpeg-installer npm package: the duration from the file's own metadata,
 * and a poster frame.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";

const run = promisify(execFile);

/** Reads "Duration: 00:01:47.00" from ffmpeg's description of a file; null when it has none. */
export async function probeDurationSeconds(file: string): Promise<number | null> {
  // `ffmpeg -i FILE` with no output exits 1 after describing the input.
  const out = await run(ffmpegInstaller.path, ["-hide_banner", "-i", file]).catch(
    (e: { stderr?: string }) => ({ stderr: e.stderr ?? "" }),
  );
  const m = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(out.stderr);
  return m ? Math.round(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) : null;
}

/** A JPEG of the frame one second in (or the first frame of a shorter video); undefined when ffmpeg cannot read it. */
export async function posterFrame(file: string, atSeconds = 1): Promise<Buffer | undefined> {
  for (const at of [atSeconds, 0]) {
    const out = await run(
      ffmpegInstaller.path,
      [
        "-hide_banner",
        "-loglevel",
        "error",
        "-ss",
        String(at),
        "-i",
        file,
        "-frames:v",
        "1",
        "-f",
        "image2pipe",
        "-vcodec",
        "mjpeg",
        "-",
      ],
      { encoding: "buffer", maxBuffer: 32 * 1024 * 1024 },
    ).catch(() => undefined);
    if (out && out.stdout.length > 0) return out.stdout;
  }
  return undefined;
}

/**
 * Runs `fn` on a temporary copy of a video (ffmpeg reads files; the media
 * store may be a bucket), removed afterwards whatever happens.
 */
export async function withTempFile<T>(
  data: Buffer,
  ext: string,
  fn: (file: string) => Promise<T>,
): Promise<T> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "gazette-probe-"));
  try {
    const file = path.join(dir, `video.${ext.replace(/[^a-z0-9]/gi, "") || "mp4"}`);
    await fs.promises.writeFile(file, data);
    return await fn(file);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
