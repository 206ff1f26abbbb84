/**
 * The one template helper: a tagged template that escapes every
 * interpolated value unless it is already `SafeHtml` (the output of another
 * `html` template). Nothing a user typed is ever emitted unescaped.
 *
 * @example html`<p>${userText}</p>` // userText "<b>" → "&lt;b&gt;"
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false || v === true) return "";
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Marks trusted markup built by Gazette itself (never user text) as safe. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` are
 * written as \u escapes so no string can close the script element.
 */
export function jsonForScript(data: unknown): SafeHtml {
  return new SafeHtml(
    JSON.stringify(data)
      .replace(/</g, "\\u003c")
      .replace(/>/g, "\\u003e")
      .replace(/&/g, "\\u0026")
      .replace(/\u2028/g, "\\u2028")
      .replace(/\u2029/g, "\\u2029"),
  );
}

/** Escapes text for XML (feeds, sitemaps). */
export function escapeXml(s: string): string {
  // Characters XML 1.0 does not allow at all are dropped.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return escapeHtml(s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")).replace(
    /&#39;/g,
    "&apos;",
  );
}
