/**
 * The demo's wire: a push feed from a made-up agency and a few items waiting
 * in the queue, in the shapes agencies really send (an editorial system's
 * ninjs 1.x with guid, an agency API envelope, a plain 2.x item, a flash).
 * Original writing for this project; the places are the demo's own.
 */
import crypto from "node:crypto";
import type { Db } from "../store/database.ts";
import type { MediaStore } from "../media/media-store.ts";
import { receiveItem } from "../ingest/wire-desk.ts";
import { saveFeed } from "../store/wire-store.ts";
import { wireFeedInputSchema } from "../content/wire.ts";

const minutesAgo = (now: Date, m: number) => new Date(now.getTime() - m * 60_000).toISOString();

function items(now: Date): unknown[] {
  return [
    {
      guid: "urn:demo.harbour-press:2026:tidal-barrier-test",
      type: "text",
      version: "1",
      versioncreated: minutesAgo(now, 190),
      urgency: 4,
      priority: 4,
      headline: "Tidal barrier passes its first full-scale test",
      byline: "Harbour Press Agency",
      located: "Port Ellery",
      description_text: "Engineers closed all six gates in eleven minutes, under the target of fifteen.",
      body_html:
        "<p>The new tidal barrier at the mouth of the Ellery closed all six of its gates in eleven minutes on Saturday morning, the first time the full system has been tested against a rising tide.</p><p>The target set by the river authority was fifteen minutes. Engineers said the hydraulic rams on the two outer gates ran slower than the others and would be adjusted before the winter storms.</p><p>The barrier is meant to protect about 4,000 homes on the low ground of the old town.</p>",
      service: [{ code: "reg", name: "Regional" }],
      subject: [{ name: "Flood defences" }],
    },
    {
      api_version: "2",
      data: {
        item: {
          uri: "https://api.harbour-press.example/content/5c1e0a7b",
          altids: { itemid: "5c1e0a7b" },
          version: 1,
          type: "text",
          pubstatus: "usable",
          urgency: 3,
          versioncreated: minutesAgo(now, 95),
          headline: "Ferry operator orders a second electric boat",
          summary: "The new vessel would replace the diesel ferry on the Skerry Isle route from 2028.",
          bylines: [{ by: "Lena Osei", title: "Transport correspondent" }],
          body_html:
            "<p>The company that runs the Skerry Isle ferry has ordered a second battery-powered vessel from a yard on the east coast, six months after its first electric boat entered service.</p><p>The operator said the first boat had used a fifth of the energy of the diesel ferry it replaced and had missed only two crossings, both in gales.</p>",
          signals: ["newscontent"],
        },
      },
    },
    {
      uri: "urn:demo.harbour-press:2026:library-sundays",
      type: "text",
      version: "2",
      versioncreated: minutesAgo(now, 40),
      headlines: [{ role: "main", value: "Town library to open on Sundays from January" }],
      by: "Harbour Press Agency",
      bodies: [
        {
          role: "main",
          contenttype: "text/plain",
          value:
            "Port Ellery library will open from noon to four on Sundays from January, the council said.\n\nThe six-month trial will be staffed by two paid assistants and volunteers from the Friends of the Library.",
        },
      ],
    },
    {
      uri: "urn:demo.harbour-press:2026:coast-road-closed",
      type: "text",
      version: "1",
      urgency: 1,
      versioncreated: minutesAgo(now, 6),
      headline: "FLASH: Coast road closed at Skerry Point after landslip",
      byline: "Harbour Press Agency",
      body_text:
        "The coast road at Skerry Point is closed in both directions after a landslip, police said. Drivers are asked to use the inland route through Wetherby Cross.\n\nMore to follow.",
    },
  ];
}

/** Adds the demo's push feed and lets its items arrive. */
export async function seedDemoWire(deps: { db: Db; media: MediaStore }, now: Date): Promise<void> {
  const feed = await saveFeed(
    deps.db,
    wireFeedInputSchema.parse({
      name: "Harbour Press Agency (demo)",
      kind: "push",
      // Nobody outside knows it: an admin who wants to push to the demo feed sets a new one in the newsroom.
      secret: crypto.randomBytes(24).toString("hex"),
      sectionSlug: "city",
      trusted: true,
    }),
  );
  for (const raw of items(now)) {
    const unwrapped =
      raw && typeof raw === "object" && "data" in raw ? (raw as { data: { item: unknown } }).data.item : raw;
    await receiveItem(deps, feed, unwrapped, { source: "demo", baseDir: null });
  }
}
