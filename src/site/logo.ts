/** The demo masthead mark: an SVG drawn here, and a PNG rendered from it for JSON-LD and feeds. */
import sharp from "sharp";

export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><rect width="64" height="64" rx="10" fill="#8a1c1c"/><path d="M44 22.5A15 15 0 1 0 46 37H33" fill="none" stroke="#fdfcf8" stroke-width="7" stroke-linecap="round"/><rect x="14" y="50" width="36" height="3" fill="#fdfcf8" opacity=".6"/></svg>`;

let png: Promise<Buffer> | undefined;

/** 512×512 PNG of the logo (rendered once). */
export function logoPng(): Promise<Buffer> {
  png ??= sharp(Buffer.from(LOGO_SVG), { density: 600 }).resize(512, 512).png().toBuffer();
  return png;
}
