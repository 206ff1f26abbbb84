/**
 * A URL slug from any text: lower case ASCII letters and digits joined by
 * single hyphens, accents folded ("Café à Paris" → "cafe-a-paris"), at most
 * `max` characters cut on a word boundary. Never empty: falls back to "story".
 */
export function slugify(text: string, max = 80): string {
  const base = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  let slug = base;
  if (slug.length > max) {
    slug = slug.slice(0, max);
    const cut = slug.lastIndexOf("-");
    if (cut > max / 2) slug = slug.slice(0, cut);
    slug = slug.replace(/-+$/g, "");
  }
  return slug || "story";
}
