/** Reader-facing formats (pure). */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      day: "numeric",
      month: "long",
      year: "numeric",
      ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

/**
 * Formatting with Intl costs a few microseconds per call, and a page of
 * comments has dozens of timestamps that the next render of the page asks
 * for again: the results are kept (bounded; the oldest entries go first).
 */
const formatted = new Map<string, string>();
const MAX_FORMATTED = 5000;

function memo(key: string, make: () => string): string {
  let v = formatted.get(key);
  if (v === undefined) {
    v = make();
    if (formatted.size >= MAX_FORMATTED) formatted.delete(formatted.keys().next().value!);
    formatted.set(key, v);
  }
  return v;
}

function zonePart(locale: string, timeZone: string, style: "short" | "longOffset", d: Date): string {
  const key = `${locale}|${timeZone}|${style}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: style });
    formatters.set(key, f);
  }
  return f.formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "";
}

/**
 * The zone's abbreviation at that moment as its readers know it ("BST",
 * "EDT", "CEST", "AEST", "IST"): each English locale knows the names of its
 * own zones only, so the first that gives a name wins; "GMT+9" otherwise.
 */
export function zoneAbbreviation(iso: string, timeZone: string): string {
  const d = new Date(iso);
  let fallback = "";
  for (const locale of ["en-GB", "en-US", "en-AU", "en-IN", "en-NZ", "en-ZA"]) {
    const name = zonePart(locale, timeZone, "short", d);
    if (!/^(GMT|UTC)[+-]/.test(name)) return name;
    fallback ||= name;
  }
  return fallback;
}

/** The moment with the zone's offset at that moment: "2024-07-25T10:30:00+01:00" (UTC: "…Z"). */
export function isoWithOffset(iso: string, timeZone: string): string {
  return memo(`o|${timeZone}|${iso}`, () => {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    const offset = zonePart("en", timeZone, "longOffset", d).replace(/^GMT/, "");
    if (offset === "") return d.toISOString().replace(/\.000Z$/, "Z");
    const [sign, hh, mm] = [
      offset[0] === "-" ? -1 : 1,
      Number(offset.slice(1, 3)),
      Number(offset.slice(4, 6)),
    ];
    const local = new Date(d.getTime() + sign * (hh * 60 + mm) * 60_000);
    return `${local.toISOString().slice(0, 19)}${offset}`;
  });
}

/** "14:05 BST": the time of day in the site's time zone (a live post's time). */
export function formatClock(iso: string, timeZone: string): string {
  return memo(
    `c|${timeZone}|${iso}`,
    () => `${isoWithOffset(iso, timeZone).slice(11, 16)} ${zoneAbbreviation(iso, timeZone)}`,
  );
}

/** The day in the site's time zone, "2024-07-25": which posts share a day. */
export function localDay(iso: string, timeZone: string): string {
  return isoWithOffset(iso, timeZone).slice(0, 10);
}

/** "25 July 2024, 10:30 BST" in the site's time zone. */
export function formatDateTime(iso: string, timeZone: string): string {
  return memo(
    `t|${timeZone}|${iso}`,
    () =>
      `${formatter(timeZone, true).format(new Date(iso)).replace(" at ", ", ")} ${zoneAbbreviation(iso, timeZone)}`,
  );
}

/** "25 July 2024". */
export function formatDate(iso: string, timeZone: string): string {
  return memo(`d|${timeZone}|${iso}`, () => formatter(timeZone, false).format(new Date(iso)));
}

/** "N min read", never typed in: see readingTimeMinutes. */
export function readingTimeLabel(minutes: number): string {
  return `${minutes} min read`;
}
