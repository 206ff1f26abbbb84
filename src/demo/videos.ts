/**
 * Demo videos: slow pans across generated scenes, encoded to H.264 MP4 by
 * the ffmpeg binary that ships inside the @ffmpeg-installer npm package (no
 * download at run time). The duration stored is the one ffmpeg reports for
 * the file it wrote, not the one asked for.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import sharp from "sharp";

const run = promisify(execFile);

/**
 * Encodes a video panning across each still (JPEG buffers) for an equal share
 * of `seconds`. Returns the MP4 bytes.
 */
export async function panVideo(stills: Buffer[], seconds: number): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gazette-video-"));
  try {
    const each = seconds / stills.length;
    const inputs: string[] = [];
    const filters: string[] = [];
    for (const [i, buf] of stills.entries()) {
      const f = path.join(dir, `s${i}.jpg`);
      // Sized once here so ffmpeg only crops each frame (a pan across 960 px of width).
      fs.writeFileSync(
        f,
        await sharp(buf).resize(960, 360, { fit: "cover" }).jpeg({ quality: 85 }).toBuffer(),
      );
      inputs.push("-loop", "1", "-framerate", "15", "-t", each.toFixed(3), "-i", f);
      const dirX =
        i % 2 === 0 ? `(in_w-out_w)*t/${each.toFixed(3)}` : `(in_w-out_w)*(1-t/${each.toFixed(3)})`;
      filters.push(`[${i}:v]crop=640:360:x='${dirX}':y=0,setsar=1,format=yuv420p[v${i}]`);
    }
    const concat = `${stills.map((_, i) => `[v${i}]`).join("")}concat=n=${stills.length}:v=1:a=0[out]`;
    const out = path.join(dir, "out.mp4");
    await run(ffmpegInstaller.path, [
      "-hide_banner",
      "-loglevel",
      "error",
      ...inputs,
      "-filter_complex",
      [...filters, concat].join(";"),
      "-map",
      "[out]",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-crf",
      "30",
      "-r",
      "15",
      "-movflags",
      "+faststart",
      "-y",
      out,
    ]);
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
