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
      ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" } : {}),
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

/** "25 July 2024, 09:30 UTC" in the site's time zone. */
export function formatDateTime(iso: string, timeZone: string): string {
  return memo(`t|${timeZone}|${iso}`, () =>
    formatter(timeZone, true).format(new Date(iso)).replace(" at ", ", "),
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
