/**
 * Conformance to the official IPTC ninjs JSON Schemas (vendored, MIT, in
 * ./ninjs-schemas). Our own content model is zod; the wire format is checked
 * against the standard's own schema with Ajv, so that "valid ninjs" means
 * what the IPTC means by it (including its should_fail conformance cases).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import formatsPlugin from "ajv-formats";

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (f: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(here, "ninjs-schemas", f), "utf8")) as Record<string, unknown>;

/** Every ninjs schema Gazette checks against: the 1.x line (still what many agencies and editorial systems emit), 2.2, 3.0 and 3.1. */
export const SCHEMA_VERSIONS = [
  "1.0",
  "1.1",
  "1.2",
  "1.3",
  "1.4",
  "1.5",
  "1.6",
  "2.2",
  "3.0",
  "3.1",
] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];
const V1: SchemaVersion[] = ["1.6", "1.5", "1.4", "1.3", "1.2", "1.1", "1.0"];

export function isSchemaVersion(v: string): v is SchemaVersion {
  return (SCHEMA_VERSIONS as readonly string[]).includes(v);
}

let validators: Map<SchemaVersion, ValidateFunction> | undefined;

/**
 * The 1.x schemas are written for JSON Schema drafts 03 (1.0), 04 (1.1–1.4)
 * and 07 (1.5–1.6). They use nothing that differs between those drafts except
 * how an identifier and a required property are spelt (`id`, and draft 03's
 * `"required": true` on the property), so they are read as draft 07 after
 * respelling those two; the vendored files stay as the IPTC published them.
 */
function asDraft07(schema: Record<string, unknown>): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== "object") return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "$schema") continue;
      if (k === "id" && typeof v === "string") out["$id"] = v;
      else out[k] = walk(v);
    }
    const props = out["properties"];
    if (props && typeof props === "object" && !Array.isArray(props)) {
      const required = Object.entries(props as Record<string, Record<string, unknown>>)
        .filter(([, p]) => p && p["required"] === true)
        .map(([name, p]) => {
          delete p["required"];
          return name;
        });
      if (required.length) out["required"] = required;
    }
    return out;
  };
  return walk(schema) as Record<string, unknown>;
}

function compile(): Map<SchemaVersion, ValidateFunction> {
  // ninjs 2.0 allowed any string as `uri` ("002-schema" in the IPTC's own
  // should_pass cases), and 1.x agencies send tags and URNs: the "uri"
  // format is accepted as a plain string in every version.
  const formats = ["date-time", "date", "time", "email"];
  const ajv = new Ajv2020({ allErrors: true, strict: false, formats: { uri: true } });
  (formatsPlugin as unknown as (a: Ajv2020, formats: string[]) => void)(ajv, formats);
  ajv.addSchema(load("geojson-schema.json"));
  // The 1.x line does not assert formats: its own conformance suite passes
  // "firstcreated": "this field is not validated…" (1.2) and date-only
  // values (1.0). The mapper still reads dates carefully.
  const ajv07 = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const out = new Map<SchemaVersion, ValidateFunction>();
  for (const v of V1) out.set(v, ajv07.compile(asDraft07(load(`ninjs-schema_${v}.json`))));
  for (const v of ["2.2", "3.0", "3.1"] as const) out.set(v, ajv.compile(load(`ninjs-schema_${v}.json`)));
  return out;
}

function validator(version: SchemaVersion): ValidateFunction {
  validators ??= compile();
  return validators.get(version)!;
}

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

/** Top-level names only the 1.x line uses (2.x made these lists or renamed them). */
const ONE_X_NAMES = new Set([
  "headline",
  "byline",
  "subject",
  "person",
  "place",
  "organisation",
  "$standard",
]);

function looksLike1x(item: Record<string, unknown>): boolean {
  for (const [k, v] of Object.entries(item)) {
    if (ONE_X_NAMES.has(k) || /^(body|description|headline)_/.test(k)) return true;
    if ((k === "associations" || k === "renditions") && v && typeof v === "object" && !Array.isArray(v))
      return true;
  }
  return false;
}

/**
 * The schema versions an item must satisfy. `$standard.version` (1.3+),
 * `standard.version` (2.x, 3.x) or `$schema` decide when given; otherwise
 * 1.x spelling (single `headline`, `body_html`, an associations object…)
 * means the 1.x line, 3.x spelling (camelCase anywhere) means 3.1, 2.x
 * spelling (`versioncreated`, `contenttype`…) means 2.2, and an item with
 * none of these is ambiguous and must be valid under both 2.2 and 3.x. Each
 * inner list is a set of alternatives of which one must accept the item,
 * the first being the one whose complaints are reported.
 */
export function schemaVersionsFor(item: Record<string, unknown>): SchemaVersion[][] {
  const declared = declaredVersion(item);
  if (declared) return [[declared]];
  // An undeclared 1.x item may be valid under any 1.x schema (each added properties and values).
  if (looksLike1x(item)) return [V1];
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

function fromVersionString(v: string): SchemaVersion | undefined {
  const m = /^(\d)(?:\.(\d+))?/.exec(v);
  if (!m) return undefined;
  const minor = m[2] === undefined ? undefined : Number(m[2]);
  if (m[1] === "1") return `1.${Math.min(minor ?? 6, 6)}` as SchemaVersion;
  if (m[1] === "2") return "2.2";
  if (m[1] === "3") return minor === 0 ? "3.0" : "3.1";
  return undefined;
}

function declaredVersion(item: Record<string, unknown>): SchemaVersion | undefined {
  for (const key of ["$standard", "standard"]) {
    const std = item[key];
    if (std && typeof std === "object" && "version" in std && typeof std.version === "string") {
      const v = fromVersionString(std.version);
      if (v) return v;
    }
  }
  const schema = item["$schema"];
  if (typeof schema === "string") {
    const m = /ninjs-schema_(\d\.\d)/.exec(schema);
    if (m) return fromVersionString(m[1]!);
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

function check(
  item: Record<string, unknown>,
  groups: SchemaVersion[][],
): { version: string; failed?: { version: SchemaVersion; errors: ErrorObject[] } } {
  const accepted: string[] = [];
  for (const group of groups) {
    let firstErrors: ErrorObject[] | undefined;
    const ok = group.find((version) => {
      const validate = validator(version);
      if (validate(item)) return true;
      firstErrors ??= [...(validate.errors ?? [])];
      return false;
    });
    if (!ok) return { version: group[0]!, failed: { version: group[0]!, errors: firstErrors ?? [] } };
    accepted.push(ok);
  }
  return { version: accepted.join("+") };
}

/**
 * An undeclared item that 2.x or 3.x refuses may still be a plain 1.x item
 * with none of the 1.x-only names (`{"uri": …, "mimetype": …}`): it is valid
 * if some 1.x schema accepts it. The 2.x/3.x complaints are the ones reported.
 */
function checkWithFallback(
  item: Record<string, unknown>,
  groups: SchemaVersion[][],
  mayFallBack: boolean,
): ReturnType<typeof check> {
  const r = check(item, groups);
  if (!r.failed || !mayFallBack || groups[0] === V1) return r;
  const v1 = check(item, [V1]);
  return v1.failed ? r : v1;
}

export interface ValidateOptions {
  /** Judge the item as this version whatever it declares (the conformance suites, `--ninjs-version`). */
  version?: SchemaVersion | undefined;
}

/**
 * Checks an item against the ninjs schema of its version, exactly (strict
 * mode). Returns the problems (empty when valid), each naming the field,
 * most specific first.
 */
export function validateNinjs(
  item: Record<string, unknown>,
  options: ValidateOptions = {},
): { version: string; errors: string[] } {
  const groups = options.version ? [[options.version]] : schemaVersionsFor(item);
  const r = checkWithFallback(item, groups, !options.version);
  if (!r.failed) return { version: r.version, errors: [] };
  const note = groups.length > 1 ? ` (as ninjs ${r.failed.version})` : "";
  return { version: r.failed.version, errors: explain(r.failed.errors).map((m) => m + note) };
}

const UNKNOWN = new Set(["additionalProperties", "unevaluatedProperties"]);

function removeAt(root: unknown, pointer: string, prop: string): boolean {
  let node = root;
  for (const part of pointer.split("/").slice(1)) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!node || typeof node !== "object") return false;
    node = (node as Record<string, unknown>)[key];
  }
  if (!node || typeof node !== "object" || Array.isArray(node) || !(prop in node)) return false;
  delete (node as Record<string, unknown>)[prop];
  return true;
}

export interface LenientCheck {
  version: string;
  errors: string[];
  /** Properties the schema does not know, left out of the item (agencies extend the standard). */
  unknown: string[];
  /** The item without those properties. */
  item: Record<string, unknown>;
}

/**
 * Lenient conformance: properties the schema of the item's version does not
 * know are taken out (and named, for the report) rather than refusing the
 * item; anything else the schema refuses (a known property of the wrong
 * type, a missing identifier, a value outside the standard's list) is still
 * an error. The item passed in is not changed.
 */
export function checkNinjsLenient(
  item: Record<string, unknown>,
  options: ValidateOptions = {},
): LenientCheck {
  const copy = structuredClone(item);
  const groups = options.version ? [[options.version]] : schemaVersionsFor(copy);
  const unknown: string[] = [];
  for (let round = 0; round < 20; round++) {
    const r = checkWithFallback(copy, groups, !options.version);
    if (!r.failed) return { version: r.version, errors: [], unknown, item: copy };
    let removed = false;
    for (const e of r.failed.errors) {
      if (!UNKNOWN.has(e.keyword)) continue;
      const p = e.params as Record<string, unknown>;
      const prop = String(p["unevaluatedProperty"] ?? p["additionalProperty"]);
      if (removeAt(copy, e.instancePath, prop)) {
        removed = true;
        const name = fieldPath(e.instancePath, prop);
        if (!unknown.includes(name)) unknown.push(name);
      }
    }
    if (!removed) {
      const note = groups.length > 1 ? ` (as ninjs ${r.failed.version})` : "";
      return {
        version: r.failed.version,
        errors: explain(r.failed.errors).map((m) => m + note),
        unknown,
        item: copy,
      };
    }
  }
  return { version: "?", errors: ["(item): too many properties outside the standard"], unknown, item: copy };
}

function explain(errs: ErrorObject[]): string[] {
  // oneOf/anyOf failures repeat every branch's complaint; keep the first few distinct, deepest first.
  const sorted = [...errs].sort((a, b) => b.instancePath.length - a.instancePath.length);
  const messages = [...new Set(sorted.filter((e) => e.keyword !== "if").map(describe))];
  return messages.slice(0, 5);
}
