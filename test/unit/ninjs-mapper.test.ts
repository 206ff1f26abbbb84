import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareVersions, foldKeys, mapNinjsItem, NinjsMappingError } from "../../src/ingest/ninjs-mapper.ts";
import { schemaVersionsFor, validateNinjs } from "../../src/ingest/ninjs-schema.ts";

const v2 = {
  uri: "urn:test:v2",
  type: "composite",
  version: "3",
  firstcreated: "2026-03-01T08:00:00Z",
  versioncreated: "2026-03-01T09:30:00+01:00",
  pubstatus: "usable",
  embargoed: "2026-03-02T00:00:00Z",
  by: "Kim Reporter",
  located: "Harrowby",
  headlines: [
    { role: "sub", value: "Sub" },
    { role: "main", value: "Main headline" },
  ],
  descriptions: [{ role: "summary", value: "First point\nSecond point" }],
  bodies: [
    {
      role: "main",
      contenttype: "text/html",
      value: "<p>One <b>bold</b></p><p>Two</p><p>Three</p><p>Four</p>",
    },
  ],
  subjects: [{ name: "Transport" }],
  places: [{ name: "Harrowby" }],
  people: [{ name: "Jo Bloggs" }],
  organisations: [{ name: "Rail Co" }, { name: "transport" }],
  associations: [
    {
      name: "featureimage",
      uri: "urn:pic:1",
      type: "picture",
      by: "Ann Photographer",
      copyrightholder: "Wire Agency",
      headlines: [{ value: "A train at a platform" }],
      descriptions: [{ role: "caption", value: "The 8.15 at Harrowby." }],
      renditions: [
        {
          name: "small",
          href: "https://img.example/s.jpg",
          contenttype: "image/jpeg",
          width: 320,
          height: 200,
        },
        {
          name: "large",
          href: "https://img.example/l.jpg",
          contenttype: "image/jpeg",
          width: 1600,
          height: 1000,
        },
      ],
    },
    {
      name: "inline",
      uri: "urn:pic:2",
      type: "picture",
      descriptions: [{ value: "Second picture" }],
      renditions: [{ name: "main", href: "pics/two.jpg", contenttype: "image/jpeg" }],
    },
    {
      name: "clip",
      uri: "urn:vid:1",
      type: "video",
      headlines: [{ value: "Ride along" }],
      renditions: [
        { name: "mp4", href: "https://vid.example/v.mp4", contenttype: "video/mp4", duration: 107 },
        {
          name: "poster",
          href: "https://vid.example/p.jpg",
          contenttype: "image/jpeg",
          width: 1280,
          height: 720,
        },
      ],
    },
    {
      name: "related-clip",
      uri: "urn:vid:2",
      type: "video",
      renditions: [
        { name: "webm", href: "https://vid.example/w.webm", contenttype: "video/webm", duration: 3725 },
      ],
    },
  ],
};

/** The same item in 3.x spelling. */
const v3 = {
  ...v2,
  uri: "urn:test:v3",
  firstCreated: v2.firstcreated,
  versionCreated: v2.versioncreated,
  pubStatus: v2.pubstatus,
  embargoedUntil: v2.embargoed,
  bodies: [{ role: "main", contentType: "text/html", value: v2.bodies[0]!.value }],
  associations: v2.associations.map((a) => {
    const { copyrightholder, ...rest } = a as typeof a & { copyrightholder?: string };
    return {
      ...rest,
      ...(copyrightholder ? { copyrightHolder: copyrightholder } : {}),
      renditions: a.renditions.map((r) => {
        const { contenttype, ...rr } = r;
        return { ...rr, contentType: contenttype };
      }),
    };
  }),
} as Record<string, unknown>;
for (const k of ["firstcreated", "versioncreated", "pubstatus", "embargoed"]) delete v3[k];

describe("ninjs mapping", () => {
  for (const [label, item] of [
    ["2.x spelling", v2],
    ["3.x spelling", v3],
  ] as const) {
    it(`maps every field (${label})`, () => {
      assert.deepEqual(validateNinjs(item).errors, []);
      const m = mapNinjsItem(item);
      assert.equal(m.kind, "story");
      if (m.kind !== "story") return;
      assert.equal(m.story.headline, "Main headline");
      assert.deepEqual(m.story.summary, ["First point", "Second point"]);
      assert.equal(m.story.byline, "Kim Reporter");
      assert.equal(m.story.dateline, "Harrowby");
      assert.equal(m.story.status, "published");
      assert.equal(m.story.firstPublishedAt, "2026-03-01T08:00:00.000Z");
      assert.equal(m.story.updatedAt, "2026-03-01T08:30:00.000Z");
      assert.equal(m.story.embargoUntil, "2026-03-02T00:00:00.000Z");
      assert.deepEqual(m.story.topicNames, ["Transport", "Harrowby", "Jo Bloggs", "Rail Co"]);
      assert.equal(m.story.body?.length, 4);
      assert.equal(m.hero?.caption, "The 8.15 at Harrowby.");
      assert.equal(m.hero?.credit, "Ann Photographer / Wire Agency");
      assert.equal(m.hero?.alt, "A train at a platform");
      assert.equal(m.hero?.renditions[0]?.width, 1600, "largest rendition first");
      assert.equal(m.images.length, 1);
      assert.equal(m.images[0]?.image.renditions[0]?.href, "pics/two.jpg");
      assert.equal(m.videos.length, 2);
      assert.deepEqual(
        m.videos.map((v) => [v.title, v.durationSeconds, v.placement]),
        [
          ["Ride along", 107, "body"],
          ["Main headline", 3725, "related"],
        ],
      );
      assert.equal(m.videos[0]?.poster?.renditions[0]?.href, "https://vid.example/p.jpg");
    });
  }

  it("maps pubstatus withheld and canceled", () => {
    const w = mapNinjsItem({ ...v2, pubstatus: "withheld" });
    const c = mapNinjsItem({ ...v2, pubstatus: "canceled" });
    assert.equal(w.kind === "story" && w.story.status, "draft");
    assert.equal(c.kind === "story" && c.story.status, "unpublished");
  });

  it("skips events, planning, standalone media and items without a headline, with a reason", () => {
    for (const item of [
      { uri: "u", type: "event" },
      { uri: "u", type: "planning" },
      { uri: "u", type: "picture", headlines: [{ value: "x" }] },
      { uri: "u", type: "text" },
    ]) {
      const m = mapNinjsItem(item);
      assert.equal(m.kind, "skip");
      assert.ok(m.kind === "skip" && m.reason.length > 10);
    }
  });

  it("names the field and what was expected", () => {
    assert.throws(
      () => mapNinjsItem({ headlines: [{ value: "x" }] }),
      (e: unknown) => e instanceof NinjsMappingError && e.field === "uri",
    );
    // An unreadable date (ninjs 1.x does not check them) is left out with a warning naming the field.
    const undated = mapNinjsItem({ uri: "u", headlines: [{ value: "x" }], versioncreated: "yesterday" });
    assert.equal(undated.kind, "story");
    if (undated.kind === "story") {
      assert.equal(undated.story.updatedAt, undefined);
      assert.ok(undated.warnings.some((w) => w.startsWith("versioncreated:") && /ISO 8601/.test(w)));
    }
  });

  it("orders versions by number, then by versioncreated", () => {
    assert.ok(compareVersions("2026-01-01T00:00:00.000Z#2", "2026-01-01T00:00:00.000Z#10") < 0);
    assert.ok(compareVersions("2026-01-02T00:00:00.000Z#", "2026-01-01T00:00:00.000Z#") > 0);
    assert.equal(compareVersions("2026-01-01T00:00:00.000Z#1", "2026-01-01T00:00:00.000Z#1"), 0);
  });

  it("folds camelCase keys to the 2.x spelling", () => {
    assert.deepEqual(foldKeys({ versionCreated: 1, a: [{ contentType: 2 }] }), {
      versioncreated: 1,
      a: [{ contenttype: 2 }],
    });
  });
});

describe("ninjs schema validation", () => {
  it("tells the versions apart by spelling", () => {
    assert.deepEqual(schemaVersionsFor({ uri: "u", versioncreated: "x" }), [["2.2"]]);
    assert.deepEqual(schemaVersionsFor({ uri: "u", versionCreated: "x" }), [["3.1", "3.0"]]);
    assert.equal(schemaVersionsFor({ uri: "u" }).length, 2, "ambiguous items must satisfy both");
  });
  it("rejects unknown properties and names them", () => {
    const r = validateNinjs({ uri: "u", versioncreated: "2026-01-01T00:00:00Z", headlinez: [] });
    assert.match(r.errors.join(), /headlinez: not a ninjs property/);
  });
  it("rejects a 2.x spelling inside a 3.x item", () => {
    const r = validateNinjs({ uri: "u", versionCreated: "2026-01-01T00:00:00Z", pubstatus: "usable" });
    assert.match(r.errors.join(), /pubstatus/);
  });
});
