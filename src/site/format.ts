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

/** "25 July 2024, 09:30 UTC" in the site's time zone. */
export function formatDateTime(iso: string, timeZone: string): string {
  return formatter(timeZone, true).format(new Date(iso)).replace(" at ", ", ");
}

/** "25 July 2024". */
export function formatDate(iso: string, timeZone: string): string {
  return formatter(timeZone, false).format(new Date(iso));
}

/** "N min read", never typed in: see readingTimeMinutes. */
export function readingTimeLabel(minutes: number): string {
  return `${minutes} min read`;
}
