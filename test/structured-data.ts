/**
 * A schema check of a live story's JSON-LD, by the rules schema.org and
 * Google's live-blog guidelines set (the page's builder is typed by
 * schema-dts, which checks property names and value types; this checks what
 * types cannot: what must be present, dates that are dates with a zone and
 * in order, addresses that are absolute and lead to the post).
 * `liveBlogProblems` lists every problem found (none: valid).
 */

/** An ISO 8601 date-time with a zone (schema.org DateTime, as Google reads it). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The page's JSON-LD blocks, parsed. */
export function jsonLdBlocks(html: string): Record<string, unknown>[] {
  return [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)].map(
    (m) => JSON.parse(m[1]!) as Record<string, unknown>,
  );
}

function dateProblem(where: string, value: unknown): string[] {
  if (typeof value !== "string") return [`${where}: missing (an ISO 8601 date-time)`];
  if (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))
    return [`${where}: "${value}" is not an ISO 8601 date-time with a zone`];
  return [];
}

function textProblem(where: string, value: unknown, max?: number): string[] {
  if (typeof value !== "string" || !value.trim()) return [`${where}: missing (text)`];
  if (max && value.length > max) return [`${where}: ${value.length} characters (at most ${max})`];
  return [];
}

/**
 * Problems in a LiveBlogPosting: its context and type, headline (at most 110
 * characters), publisher, datePublished, coverageStartTime (and
 * coverageEndTime, not before it), every liveBlogUpdate a BlogPosting with a
 * headline, a datePublished not before the coverage started, a dateModified
 * not before it, and a url on `baseUrl` that names the post (a fragment).
 */
export function liveBlogProblems(ld: Record<string, unknown>, baseUrl: string): string[] {
  const problems: string[] = [];
  if (ld["@context"] !== "https://schema.org") problems.push(`@context: "${String(ld["@context"])}"`);
  if (ld["@type"] !== "LiveBlogPosting")
    problems.push(`@type: "${String(ld["@type"])}", not LiveBlogPosting`);
  problems.push(...textProblem("headline", ld["headline"], 110));
  problems.push(...dateProblem("datePublished", ld["datePublished"]));
  const publisher = ld["publisher"] as Record<string, unknown> | undefined;
  if (!publisher || typeof publisher["name"] !== "string")
    problems.push("publisher: missing or without a name");
  problems.push(...dateProblem("coverageStartTime", ld["coverageStartTime"]));
  const start = Date.parse(String(ld["coverageStartTime"]));
  if (ld["coverageEndTime"] !== undefined) {
    problems.push(...dateProblem("coverageEndTime", ld["coverageEndTime"]));
    if (Date.parse(String(ld["coverageEndTime"])) < start)
      problems.push("coverageEndTime: before coverageStartTime");
  }
  const updates = ld["liveBlogUpdate"];
  if (!Array.isArray(updates)) return [...problems, "liveBlogUpdate: missing (a list of BlogPosting)"];
  const seen = new Set<string>();
  updates.forEach((u: Record<string, unknown>, i) => {
    const at = `liveBlogUpdate[${i}]`;
    if (u["@type"] !== "BlogPosting") problems.push(`${at}.@type: "${String(u["@type"])}", not BlogPosting`);
    problems.push(...textProblem(`${at}.headline`, u["headline"], 110));
    problems.push(...dateProblem(`${at}.datePublished`, u["datePublished"]));
    if (u["dateModified"] !== undefined) {
      problems.push(...dateProblem(`${at}.dateModified`, u["dateModified"]));
      if (Date.parse(String(u["dateModified"])) < Date.parse(String(u["datePublished"])))
        problems.push(`${at}.dateModified: before its datePublished`);
    }
    const url = typeof u["url"] === "string" ? u["url"] : "";
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      problems.push(`${at}.url: "${url}" is not an absolute address`);
    }
    if (parsed && (!url.startsWith(`${baseUrl}/`) || !parsed.hash))
      problems.push(`${at}.url: "${url}" is not on ${baseUrl} with the post's anchor`);
    if (seen.has(url)) problems.push(`${at}.url: the same as an earlier update's`);
    seen.add(url);
  });
  return problems;
}
