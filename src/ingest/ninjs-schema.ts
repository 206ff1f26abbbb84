/**
 * Conformance to the official IPTC ninjs JSON Schemas (vendored, MIT, in
 * ./ninjs-schemas). Our own content model is zod; the wire format is checked
 * against the standard's own schema with Ajv, so that "valid ninjs" means
 * what the IPTC means by it (including its should_fail conformance cases).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import formatsPlugin from "ajv-formats";

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (f: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(here, "ninjs-schemas", f), "utf8")) as Record<string, unknown>;

export type NinjsMajor = 2 | 3;

let validators: Map<string, ValidateFunction> | undefined;

function compile(): Map<string, ValidateFunction> {
  // ninjs 2.0 allowed any string as `uri` ("002-schema" in the IPTC's own
  // should_pass cases), so the "uri" format is accepted as a plain string.
  const ajv = new Ajv2020({ allErrors: true, strict: false, formats: { uri: true } });
  (formatsPlugin as unknown as (a: Ajv2020, formats: string[]) => void)(ajv, [
    "date-time",
    "date",
    "time",
    "email",
  ]);
  ajv.addSchema(load("geojson-schema.json"));
  const out = new Map<string, ValidateFunction>();
  for (const v of ["2.2", "3.0", "3.1"]) out.set(v, ajv.compile(load(`ninjs-schema_${v}.json`)));
  return out;
}

type SchemaVersion = "2.2" | "3.0" | "3.1";

function collectKeys(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) collectKeys(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      collectKeys(v, out);
    }
  }
  return out;
}

/** Property names 3.x spells in camelCase, lower-cased: the names that mark an item as 2.x. */
let lowerMarkers: Set<string> | undefined;
function markers(): Set<string> {
  if (!lowerMarkers) {
    const keys = new Set<string>();
    const walk = (s: unknown): void => {
      if (Array.isArray(s)) s.forEach(walk);
      else if (s && typeof s === "object") {
        for (const [k, v] of Object.entries(s)) {
          if (k === "properties" && v && typeof v === "object") {
            for (const name of Object.keys(v)) if (/[a-z][A-Z]/.test(name)) keys.add(name.toLowerCase());
          }
          walk(v);
        }
      }
    };
    walk(load("ninjs-schema_3.1.json"));
    lowerMarkers = keys;
  }
  return lowerMarkers;
}

/**
 * The schema versions an item must satisfy. `standard.version` or `$schema`
 * decide when given; otherwise 3.x spelling (camelCase anywhere) means 3.1,
 * 2.x spelling (`versioncreated`, `contenttype`…) means 2.2, and an item with
 * neither is ambiguous and must be valid under both. Each inner list is a set
 * of alternatives of which one must accept the item.
 */
export function schemaVersionsFor(item: Record<string, unknown>): SchemaVersion[][] {
  const declared = declaredVersion(item);
  if (declared) return [[declared]];
  const keys = collectKeys(item, new Set());
  const camel = [...keys].some((k) => /^[a-z]+[A-Z]/.test(k));
  const lower = [...keys].some((k) => markers().has(k));
  // Within 3.x, an undeclared item may be valid under 3.1 or 3.0 (the IPTC's
  // own 3.0 event collection predates a 3.1 change to event dates).
  const v3: SchemaVersion[] = ["3.1", "3.0"];
  if (camel) return [v3]; // mixed spellings are judged as 3.x, which names the strays
  if (lower) return [["2.2"]];
  return [["2.2"], v3];
}

function declaredVersion(item: Record<string, unknown>): SchemaVersion | undefined {
  const std = item["standard"];
  if (std && typeof std === "object" && "version" in std && typeof std.version === "string") {
    if (std.version.startsWith("3.0")) return "3.0";
    if (std.version.startsWith("3")) return "3.1";
    if (std.version.startsWith("2")) return "2.2";
  }
  const schema = item["$schema"];
  if (typeof schema === "string") {
    if (/3\.0/.test(schema)) return "3.0";
    if (/_3\./.test(schema)) return "3.1";
    if (/_2\./.test(schema)) return "2.2";
  }
  return undefined;
}

/** JSON-pointer-ish path → `associations[0].renditions[1].href`. */
export function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split("/").filter(Boolean);
  let out = "";
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  if (extra) out += out ? `.${extra}` : extra;
  return out || "(item)";
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "unevaluatedProperties":
    case "additionalProperties": {
      const prop = String(p["unevaluatedProperty"] ?? p["additionalProperty"]);
      return `${fieldPath(e.instancePath, prop)}: not a ninjs property (check its spelling for this ninjs version)`;
    }
    case "required":
      return `${fieldPath(e.instancePath, String(p["missingProperty"]))}: is required`;
    case "enum":
      return `${fieldPath(e.instancePath)}: must be one of ${(p["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return `${fieldPath(e.instancePath)}: ${e.message ?? "is invalid"}`;
  }
}

/**
 * Checks an item against the ninjs schema of its version. Returns the
 * problems (empty when valid), each naming the field, most specific first.
 */
export function validateNinjs(item: Record<string, unknown>): { version: string; errors: string[] } {
  validators ??= compile();
  const groups = schemaVersionsFor(item);
  const accepted: string[] = [];
  for (const group of groups) {
    let firstErrors: ErrorObject[] | undefined;
    const ok = group.find((version) => {
      const validate = validators!.get(version)!;
      if (validate(item)) return true;
      firstErrors ??= [...(validate.errors ?? [])];
      return false;
    });
    if (ok) {
      accepted.push(ok);
      continue;
    }
    const version = group[0]!;
    const note = groups.length > 1 ? ` (as ninjs ${version})` : "";
    return { version, errors: explain(firstErrors ?? []).map((m) => m + note) };
  }
  return { version: accepted.join("+"), errors: [] };
}

function explain(errs: ErrorObject[]): string[] {
  // oneOf/anyOf failures repeat every branch's complaint; keep the first few distinct, deepest first.
  const sorted = [...errs].sort((a, b) => b.instancePath.length - a.instancePath.length);
  const messages = [...new Set(sorted.filter((e) => e.keyword !== "if").map(describe))];
  return messages.slice(0, 5);
}
