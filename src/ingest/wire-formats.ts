/**
 * What a wire file or push holds, before any item is checked: the JSON read
 * (leniently: a byte-order mark, raw control characters inside strings, or
 * one item per line), the envelope taken off, and each item brought from its
 * system's dialect to plain ninjs. Pure functions, no I/O.
 *
 * Envelopes recognised (docs/wire.md):
 *  - a bare item, or a list of items;
 *  - an agency media API's answer: `{api_version, data: {item}}`, and its
 *    feeds `{api_version, data: {items: [{meta, item}]}}` (an `error` answer
 *    is reported as such);
 *  - feed wrappers: `{items: [...]}`, `{_items: [...]}` (an editorial
 *    system's content API), `{item: {...}}`;
 *  - several items one per line (NDJSON).
 *
 * Dialects (lenient mode only; `--strict` reads the item exactly as sent):
 *  - `guid` in place of `uri` (an editorial system's ninjs), or only an
 *    agency's `altids.itemid`;
 *  - `version` sent as a number;
 *  - `authors: [{name}]` or `bylines: [{by}]` where ninjs has one `byline`;
 *  - a plain `summary` string where ninjs has `description_text`;
 *  - associations set to null (an empty slot in the sender's editor).
 * (A body sent as a remote NITF rendition is fetched by poll feeds: wire-feeds.ts.)
 */

export interface WireItem {
  /** Where in the file: "" for a single item, "item [2]: " in a list. */
  label: string;
  raw: unknown;
}

export interface WirePayload {
  items: WireItem[];
  /** The envelope recognised, for the report: "item", "list", "agency API feed"… */
  envelope: string;
  /** What was read leniently (raw control characters, one item per line). */
  warnings: string[];
  /** A feed's link to what comes after these items (an agency API's `data.next_page`): where a poll goes next. */
  next?: string | undefined;
}

export class WirePayloadError extends Error {
  override name = "WirePayloadError";
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * Escapes control characters that stand raw inside JSON strings (some
 * agencies' files carry tabs and line breaks in `body_text`), leaving the
 * rest of the text untouched.
 */
function escapeRawControls(text: string): { text: string; changed: boolean } {
  let out = "";
  let inString = false;
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") {
        out += c + (text[i + 1] ?? "");
        i++;
        continue;
      }
      if (c === '"') inString = false;
      const code = c.charCodeAt(0);
      if (code < 0x20) {
        changed = true;
        out +=
          c === "\n"
            ? "\\n"
            : c === "\r"
              ? "\\r"
              : c === "\t"
                ? "\\t"
                : `\\u${code.toString(16).padStart(4, "0")}`;
        continue;
      }
    } else if (c === '"') inString = true;
    out += c;
  }
  return { text: out, changed };
}

function parseJson(text: string, strict: boolean): { value: unknown; warnings: string[] } {
  const body = text.replace(/^\uFEFF/, "");
  try {
    return { value: JSON.parse(body) as unknown, warnings: [] };
  } catch (err) {
    const message = (err as Error).message;
    if (strict) throw new WirePayloadError(`not valid JSON: ${message}`);
    const escaped = escapeRawControls(body);
    if (escaped.changed) {
      try {
        return {
          value: JSON.parse(escaped.text) as unknown,
          warnings: [
            "the file has line breaks or tabs inside its strings (not valid JSON); they were read as text",
          ],
        };
      } catch {
        // fall through to one-item-per-line, then to the original message
      }
    }
    const lines = escaped.text.split(/\r?\n/).filter((l) => l.trim());
    if (lines.length > 1) {
      try {
        return { value: { __lines: lines.map((l) => JSON.parse(l) as unknown) }, warnings: [] };
      } catch {
        // not NDJSON either
      }
    }
    throw new WirePayloadError(`not valid JSON: ${message}`);
  }
}

function unwrap(value: unknown, label: string, envelopes: Set<string>): WireItem[] {
  const at = (i: number) => `${label ? label.replace(/: $/, "") : "item"} [${i}]: `;
  if (Array.isArray(value)) {
    envelopes.add("list");
    return value.flatMap((v, i) => unwrap(v, at(i), envelopes));
  }
  if (!isObject(value)) return [{ label, raw: value }];
  if ("__lines" in value && Array.isArray(value["__lines"])) {
    envelopes.add("one item per line");
    return value["__lines"].flatMap((v, i) => unwrap(v, at(i), envelopes));
  }
  const hasId = "uri" in value || "guid" in value;
  // An agency media API: {api_version, id, method, params, data: {item} | {items: [{meta, item}]}} or {error}.
  if ("api_version" in value && !hasId) {
    const error = value["error"];
    if (isObject(error)) {
      const message =
        typeof error["message"] === "string" ? error["message"] : JSON.stringify(error).slice(0, 200);
      throw new WirePayloadError(`the agency API answered an error, not content: ${message}`);
    }
    const data = value["data"];
    if (isObject(data)) {
      if (isObject(data["item"])) {
        envelopes.add("agency API item");
        return unwrap(data["item"], label, envelopes);
      }
      if (Array.isArray(data["items"])) {
        envelopes.add("agency API feed");
        return data["items"].flatMap((v, i) => unwrap(v, at(i), envelopes));
      }
    }
    throw new WirePayloadError(
      "an agency API answer without data.item or data.items: nothing to import (is this a search or an account answer?)",
    );
  }
  if (!hasId) {
    for (const key of ["items", "_items"]) {
      if (Array.isArray(value[key])) {
        envelopes.add("feed");
        return (value[key] as unknown[]).flatMap((v, i) => unwrap(v, at(i), envelopes));
      }
    }
    // A feed entry or a one-item wrapper: {item: {...}, meta: {...}}.
    if (isObject(value["item"]) && !("headline" in value) && !("headlines" in value)) {
      return unwrap(value["item"], label, envelopes);
    }
  }
  return [{ label, raw: value }];
}

/** Reads a file's or a push's text into its items. Throws WirePayloadError for a payload that holds none. */
export function readWirePayload(text: string, options: { strict?: boolean } = {}): WirePayload {
  const { value, warnings } = parseJson(text, options.strict ?? false);
  const envelopes = new Set<string>();
  const items = unwrap(value, "", envelopes);
  const next = nextLink(value);
  if (items.length === 0 && next === undefined)
    throw new WirePayloadError("the file holds an empty list: no items");
  return { items, envelope: [...envelopes].join(", ") || "item", warnings, next };
}

function nextLink(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const data = isObject(value["data"]) ? value["data"] : value;
  const next = data["next_page"] ?? data["next"];
  return typeof next === "string" && /^https?:\/\//i.test(next) ? next : undefined;
}

/**
 * Brings one item from a sending system's dialect to plain ninjs (see the
 * list at the top). Returns a new object and what was changed, for the
 * report; an item in plain ninjs comes back equal.
 */
export function fromDialect(raw: Json): { item: Json; notes: string[] } {
  const item: Json = { ...raw };
  const notes: string[] = [];
  if (item["uri"] === undefined && typeof item["guid"] === "string") {
    item["uri"] = item["guid"];
    delete item["guid"];
    notes.push("guid read as uri");
  }
  const altids = item["altids"];
  if (
    item["uri"] === undefined &&
    isObject(altids) &&
    typeof altids["itemid"] === "string" &&
    altids["itemid"]
  ) {
    item["uri"] = `urn:altid:itemid:${altids["itemid"]}`;
    notes.push("altids.itemid read as uri");
  }
  if (typeof item["version"] === "number") item["version"] = String(item["version"]);
  // A 2.x-shaped item (headlines, bodies) takes `by`; a 1.x one `byline`.
  const twoX = "headlines" in item || "bodies" in item || "descriptions" in item;
  const byKey = twoX ? "by" : "byline";
  const byline = item["byline"] ?? item["by"];
  for (const [key, field] of [
    ["authors", "name"],
    ["bylines", "by"],
  ] as const) {
    const list = item[key];
    if (!Array.isArray(list)) continue;
    const names = list
      .map((a) => (isObject(a) && typeof a[field] === "string" ? a[field].trim() : ""))
      .filter(Boolean);
    if (byline === undefined && names.length) {
      item[byKey] = names.join(" and ");
      notes.push(`${key} read as ${byKey}`);
    }
    delete item[key];
  }
  if (typeof item["summary"] === "string" && item["description_text"] === undefined && !twoX) {
    item["description_text"] = item["summary"];
    delete item["summary"];
    notes.push("summary read as description_text");
  }
  const assoc = item["associations"];
  if (isObject(assoc)) {
    const kept: Json = {};
    for (const [name, a] of Object.entries(assoc)) {
      if (a === null) continue;
      kept[name] = isObject(a) ? fromDialect(a).item : a;
    }
    item["associations"] = kept;
  } else if (Array.isArray(assoc)) {
    item["associations"] = assoc
      .filter((a) => a !== null)
      .map((a) => (isObject(a) ? fromDialect(a).item : a));
  }
  return { item, notes };
}
