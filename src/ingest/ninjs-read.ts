/**
 * One wire item, from what was sent to what Gazette would make of it: the
 * sender's dialect read (lenient mode), checked against the schema of its
 * ninjs version, mapped — pure, no I/O. The wire desk stores the result;
 * the story writer writes it.
 */
import { droppedTextWarnings, htmlToBlocksReporting } from "./html-to-blocks.ts";
import { type MappedItem, NinjsMappingError, mapNinjsItem, nitfToHtml } from "./ninjs-mapper.ts";
import { type SchemaVersion, checkNinjsLenient, validateNinjs } from "./ninjs-schema.ts";
import { fromDialect } from "./wire-formats.ts";

/** How many unknown property names a warning lists before "and N more". */
const NAMES_SHOWN = 12;

export type ReadItem =
  | { ok: true; uri: string; ninjsVersion: string; mapped: MappedItem; warnings: string[] }
  | { ok: false; uri: string | null; error: string };

/**
 * One item, from what was sent to what Gazette would make of it: the
 * sender's dialect read (lenient mode), checked against the schema of its
 * ninjs version, mapped. No I/O: the wire queue stores this, the importer
 * writes it.
 */
export function readNinjsItem(
  raw: unknown,
  options: {
    strict?: boolean | undefined;
    ninjsVersion?: SchemaVersion | undefined;
    /** The document at the item's text rendition, fetched by a poll (an agency API's NITF). */
    fetchedBody?: string | null | undefined;
  } = {},
): ReadItem {
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    return { ok: false, uri: null, error: "expected a ninjs object" };
  const sent = raw as Record<string, unknown>;
  const item = options.strict ? sent : fromDialect(sent).item;
  const uri =
    typeof item["uri"] === "string" ? item["uri"] : item["uri"] === undefined ? null : String(item["uri"]);
  const warnings: string[] = [];
  let checked: Record<string, unknown> = item;
  let ninjsVersion: string;
  if (options.strict) {
    const problems = validateNinjs(item, { version: options.ninjsVersion });
    if (problems.errors.length)
      return { ok: false, uri, error: `not valid ninjs ${problems.version}: ${problems.errors.join("; ")}` };
    ninjsVersion = problems.version;
  } else {
    if (uri === null)
      return {
        ok: false,
        uri,
        error:
          "uri: is required (or guid): a stable identifier, so that a newer version of the item updates the same story",
      };
    const lenient = checkNinjsLenient(item, { version: options.ninjsVersion });
    if (lenient.errors.length)
      return { ok: false, uri, error: `not valid ninjs ${lenient.version}: ${lenient.errors.join("; ")}` };
    if (lenient.unknown.length) {
      const shown = lenient.unknown.slice(0, NAMES_SHOWN).join(", ");
      const more =
        lenient.unknown.length > NAMES_SHOWN ? ` and ${lenient.unknown.length - NAMES_SHOWN} more` : "";
      warnings.push(`not in ninjs ${lenient.version}, left out: ${shown}${more}`);
    }
    checked = lenient.item;
    ninjsVersion = lenient.version;
  }
  try {
    const mapped = mapNinjsItem(checked);
    if (mapped.kind === "story") mapped.warnings.unshift(...warnings);
    if (mapped.kind === "story" && mapped.bodyRendition && options.fetchedBody) {
      const { blocks, dropped } = htmlToBlocksReporting(nitfToHtml(options.fetchedBody));
      if (blocks.length === 0)
        return {
          ok: false,
          uri,
          error: "renditions: the body fetched from the text rendition has no text a reader could be shown",
        };
      mapped.story.body = blocks;
      mapped.bodyRendition = undefined;
      mapped.warnings.push(...droppedTextWarnings(dropped));
    }
    return {
      ok: true,
      uri: mapped.uri,
      ninjsVersion,
      mapped,
      warnings: mapped.kind === "story" ? mapped.warnings : warnings,
    };
  } catch (err) {
    if (err instanceof NinjsMappingError) return { ok: false, uri, error: err.message };
    throw err;
  }
}
