/**
 * Generated illustrations for the demo newsroom: seeded SVG scenes rendered
 * by sharp at seed time, so no binary is committed and no photo is copied.
 */
import sharp from "sharp";

export type SceneKind = "harbour" | "city" | "hills" | "lab" | "stadium" | "gallery" | "council" | "market";

/** mulberry32: a tiny seeded PRNG, so the demo (and the benchmark's site) is the same on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SKIES = [
  ["#f6c99b", "#e98f6f", "#6a4c7c"], // dusk
  ["#bfe3f5", "#8cc4e8", "#4f8fc0"], // day
  ["#fde2c2", "#f3b98d", "#a8b8d8"], // dawn
  ["#cfd6dc", "#aab4bd", "#7c8791"], // overcast
  ["#1f2a44", "#2e3c63", "#53608a"], // night
];

function ridge(r: () => number, w: number, base: number, amp: number, step: number): string {
  let d = `M0 ${base}`;
  for (let x = 0; x <= w + step; x += step) d += ` L${x} ${(base - r() * amp).toFixed(1)}`;
  return `${d} L${w} 2000 L0 2000 Z`;
}

export function sceneSvg(kind: SceneKind, seed: number, w = 1600, h = 1000): string {
  const r = rng(seed);
  const sky = SKIES[Math.floor(r() * SKIES.length)]!;
  const night = sky[0] === "#1f2a44";
  const horizon = h * (0.55 + r() * 0.1);
  const parts: string[] = [];
  parts.push(
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky[2]}"/><stop offset=".6" stop-color="${sky[1]}"/><stop offset="1" stop-color="${sky[0]}"/></linearGradient><radialGradient id="glow"><stop offset="0" stop-color="#fff6d8" stop-opacity=".9"/><stop offset="1" stop-color="#fff6d8" stop-opacity="0"/></radialGradient><linearGradient id="water" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky[1]}"/><stop offset="1" stop-color="#203040"/></linearGradient></defs>`,
  );
  parts.push(`<rect width="${w}" height="${h}" fill="url(#sky)"/>`);
  const sx = w * (0.15 + r() * 0.7);
  const sy = horizon * (0.3 + r() * 0.4);
  parts.push(
    `<circle cx="${sx}" cy="${sy}" r="${h * 0.22}" fill="url(#glow)"/><circle cx="${sx}" cy="${sy}" r="${h * 0.05}" fill="${night ? "#e8ecf5" : "#fff3d6"}"/>`,
  );
  if (kind === "lab" || kind === "gallery" || kind === "council") {
    // Interiors: a wall, a floor and objects.
    const wall = ["#e9e4da", "#d8dfe6", "#efe2d0", "#dde5dc"][Math.floor(r() * 4)]!;
    parts.length = 1;
    parts.push(
      `<rect width="${w}" height="${h}" fill="${wall}"/><rect y="${h * 0.72}" width="${w}" height="${h * 0.28}" fill="#8b6f52"/><rect y="${h * 0.72}" width="${w}" height="8" fill="#5f4a36"/>`,
    );
    if (kind === "gallery") {
      for (let i = 0; i < 4; i++) {
        const fw = 180 + r() * 160,
          fh = 140 + r() * 200,
          fx = 80 + i * 380 + r() * 40,
          fy = h * 0.35 - fh / 2;
        const hue = Math.floor(r() * 360);
        parts.push(
          `<rect x="${fx - 12}" y="${fy - 12}" width="${fw + 24}" height="${fh + 24}" fill="#3b2f24"/><rect x="${fx}" y="${fy}" width="${fw}" height="${fh}" fill="hsl(${hue} 45% 55%)"/><circle cx="${fx + fw * r()}" cy="${fy + fh * r()}" r="${20 + r() * 50}" fill="hsl(${(hue + 160) % 360} 60% 70%)" opacity=".8"/>`,
        );
      }
    } else if (kind === "lab") {
      for (let i = 0; i < 7; i++) {
        const bx = 120 + i * 200,
          bh = 120 + r() * 160,
          hue = 150 + r() * 80;
        parts.push(
          `<rect x="${bx}" y="${h * 0.72 - bh}" width="70" height="${bh}" rx="14" fill="hsl(${hue} 50% 70%)" opacity=".75"/><rect x="${bx + 20}" y="${h * 0.72 - bh - 50}" width="30" height="60" fill="#c9d3d8"/>`,
        );
      }
      for (let i = 0; i < 14; i++)
        parts.push(
          `<circle cx="${r() * w}" cy="${r() * h * 0.4}" r="${8 + r() * 22}" fill="none" stroke="#6a8fa8" stroke-width="4" opacity=".6"/>`,
        );
    } else {
      parts.push(
        `<path d="M${w * 0.2} ${h * 0.72} Q${w * 0.5} ${h * 0.45} ${w * 0.8} ${h * 0.72}Z" fill="#6d4d35"/>`,
      );
      for (let i = 0; i < 9; i++)
        parts.push(
          `<rect x="${w * 0.1 + i * 150}" y="${h * 0.1}" width="60" height="${h * 0.5}" fill="#f4f0e8" opacity=".7"/>`,
        );
      for (let i = 0; i < 12; i++)
        parts.push(
          `<circle cx="${w * 0.15 + i * 110}" cy="${h * 0.85}" r="26" fill="#2f3a4a"/><rect x="${w * 0.15 + i * 110 - 30}" y="${h * 0.87}" width="60" height="120" rx="20" fill="#2f3a4a"/>`,
        );
    }
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${parts.join("")}</svg>`;
  }
  parts.push(`<path d="${ridge(r, w, horizon - 40, h * 0.18, 80)}" fill="${sky[2]}" opacity=".55"/>`);
  parts.push(`<path d="${ridge(r, w, horizon, h * 0.1, 120)}" fill="#4c5f55" opacity=".8"/>`);
  if (kind === "city" || kind === "market" || kind === "harbour") {
    let x = 0;
    while (x < w) {
      const bw = 40 + r() * 90,
        bh = 60 + r() * (kind === "city" ? 360 : 180);
      const tone = 30 + Math.floor(r() * 25);
      parts.push(
        `<rect x="${x.toFixed(0)}" y="${(horizon - bh).toFixed(0)}" width="${bw.toFixed(0)}" height="${bh.toFixed(0)}" fill="hsl(215 18% ${tone}%)"/>`,
      );
      for (let wy = horizon - bh + 12; wy < horizon - 12; wy += 22) {
        for (let wx = x + 8; wx < x + bw - 10; wx += 16) {
          if (r() < (night ? 0.45 : 0.2))
            parts.push(
              `<rect x="${wx.toFixed(0)}" y="${wy.toFixed(0)}" width="7" height="10" fill="${night ? "#ffd98a" : "#dfe8ef"}" opacity=".85"/>`,
            );
        }
      }
      x += bw + 4;
    }
  }
  if (kind === "harbour") {
    parts.push(`<rect y="${horizon}" width="${w}" height="${h - horizon}" fill="url(#water)"/>`);
    for (let i = 0; i < 40; i++)
      parts.push(
        `<rect x="${r() * w}" y="${horizon + r() * (h - horizon)}" width="${40 + r() * 120}" height="3" fill="#fff" opacity="${0.1 + r() * 0.25}"/>`,
      );
    for (let i = 0; i < 3; i++) {
      const bx = r() * (w - 300),
        by = horizon + 60 + r() * 200;
      parts.push(
        `<path d="M${bx} ${by} L${bx + 260} ${by} L${bx + 220} ${by + 40} L${bx + 30} ${by + 40}Z" fill="#7a2e2e"/><rect x="${bx + 80}" y="${by - 50}" width="90" height="50" fill="#f1ede4"/><rect x="${bx + 110}" y="${by - 90}" width="16" height="40" fill="#333"/>`,
      );
    }
  } else if (kind === "stadium") {
    parts.push(
      `<rect y="${horizon}" width="${w}" height="${h - horizon}" fill="#3f7a3a"/><ellipse cx="${w / 2}" cy="${horizon + 40}" rx="${w * 0.46}" ry="120" fill="none" stroke="#eee" stroke-width="6" opacity=".7"/><rect x="${w / 2 - 3}" y="${horizon}" width="6" height="${h - horizon}" fill="#eee" opacity=".6"/>`,
    );
    for (const lx of [w * 0.1, w * 0.9])
      parts.push(
        `<rect x="${lx - 6}" y="${horizon - 380}" width="12" height="380" fill="#555"/><rect x="${lx - 50}" y="${horizon - 410}" width="100" height="40" fill="#fffbe0"/>`,
      );
    for (let i = 0; i < 160; i++)
      parts.push(
        `<circle cx="${r() * w}" cy="${horizon - 20 - r() * 120}" r="6" fill="hsl(${Math.floor(r() * 360)} 50% 55%)"/>`,
      );
  } else {
    parts.push(
      `<rect y="${horizon}" width="${w}" height="${h - horizon}" fill="${kind === "market" ? "#b59a74" : "#6f8f4e"}"/>`,
    );
    if (kind === "market") {
      for (let i = 0; i < 6; i++) {
        const mx = 60 + i * 260,
          hue = Math.floor(r() * 360);
        parts.push(
          `<path d="M${mx} ${horizon + 120} L${mx + 110} ${horizon + 40} L${mx + 220} ${horizon + 120}Z" fill="hsl(${hue} 60% 50%)"/><rect x="${mx + 20}" y="${horizon + 120}" width="180" height="120" fill="#f2e6cf"/>`,
        );
        for (let j = 0; j < 6; j++)
          parts.push(
            `<circle cx="${mx + 40 + j * 28}" cy="${horizon + 150 + r() * 50}" r="12" fill="hsl(${Math.floor(r() * 60)} 80% 55%)"/>`,
          );
      }
    } else {
      for (let i = 0; i < 18; i++) {
        const tx = r() * w,
          ty = horizon + r() * (h - horizon),
          ts = 30 + r() * 60;
        parts.push(
          `<rect x="${tx - 5}" y="${ty - ts * 0.2}" width="10" height="${ts * 0.8}" fill="#4b3a2a"/><circle cx="${tx}" cy="${ty - ts * 0.5}" r="${ts * 0.6}" fill="hsl(${95 + r() * 40} 35% ${25 + r() * 15}%)"/>`,
        );
      }
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${parts.join("")}</svg>`;
}

/** A JPEG of the scene, as a camera would deliver it. */
export async function sceneJpeg(kind: SceneKind, seed: number, w = 1600, h = 1000): Promise<Buffer> {
  return sharp(Buffer.from(sceneSvg(kind, seed, w, h)))
    .jpeg({ quality: 86 })
    .toBuffer();
}
