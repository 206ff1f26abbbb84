/** Reading what agencies and editorial systems send: envelopes, dialects, lenient JSON, 1.x conformance. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WirePayloadError, fromDialect, readWirePayload } from "../../src/ingest/wire-formats.ts";
import { checkNinjsLenient, schemaVersionsFor, validateNinjs } from "../../src/ingest/ninjs-schema.ts";
import { mapNinjsItem, nitfToHtml, upgrade1x } from "../../src/ingest/ninjs-mapper.ts";

describe("wire payloads", () => {
  it("takes items out of lists, agency API envelopes, feed wrappers and NDJSON", () => {
    const item = (n: number) => ({ uri: `urn:x:${n}`, headline: `H${n}` });
    assert.equal(readWirePayload(JSON.stringify(item(1))).items.length, 1);
    assert.equal(readWirePayload(JSON.stringify([item(1), item(2)])).items.length, 2);
    const api = readWirePayload(JSON.stringify({ api_version: "2", id: "q", data: { item: item(3) } }));
    assert.deepEqual(api.items[0]!.raw, item(3));
    assert.equal(api.envelope, "agency API item");
    const feed = readWirePayload(
      JSON.stringify({
        api_version: "2",
        data: { next_page: "https://x", items: [{ meta: { score: 1 }, item: item(4) }, { item: item(5) }] },
      }),
    );
    assert.deepEqual(
      feed.items.map((i) => (i.raw as { uri: string }).uri),
      ["urn:x:4", "urn:x:5"],
    );
    assert.equal(feed.items[1]!.label, "item [1]: ");
    assert.equal(readWirePayload(JSON.stringify({ _items: [item(6), item(7)], _meta: {} })).items.length, 2);
    assert.equal(readWirePayload(JSON.stringify({ feed: "x", items: [item(8)] })).items.length, 1);
    const nd = readWirePayload(`${JSON.stringify(item(9))}\n${JSON.stringify(item(10))}\n`);
    assert.equal(nd.items.length, 2);
    assert.equal(nd.envelope, "one item per line");
  });

  it("reads raw line breaks inside strings with a warning, unless strict", () => {
    const text = '\uFEFF{"uri": "u", "body_text": "one\n\ttwo"}';
    const r = readWirePayload(text);
    assert.equal((r.items[0]!.raw as { body_text: string }).body_text, "one\n\ttwo");
    assert.match(r.warnings[0]!, /line breaks or tabs/);
    assert.throws(() => readWirePayload(text, { strict: true }), WirePayloadError);
    assert.throws(() => readWirePayload("<rss/>"), /not valid JSON/);
  });

  it("reports an agency API's error answer and an empty list as such", () => {
    assert.throws(
      () =>
        readWirePayload(
          JSON.stringify({ api_version: "2", error: { status: 403, message: "Forbidden plan" } }),
        ),
      /agency API answered an error.*Forbidden plan/,
    );
    assert.throws(() => readWirePayload("[]"), /empty list/);
  });

  it("reads an editorial system's dialect: guid, authors, numeric version, empty associations", () => {
    const { item, notes } = fromDialect({
      guid: "urn:g",
      version: 2,
      headline: "H",
      authors: [{ name: "A One" }, { name: "B Two" }],
      associations: { featuremedia: { guid: "urn:p", type: "picture" }, editor_0: null },
    });
    assert.equal(item["uri"], "urn:g");
    assert.equal(item["guid"], undefined);
    assert.equal(item["version"], "2");
    assert.equal(item["byline"], "A One and B Two");
    assert.deepEqual(Object.keys(item["associations"] as object), ["featuremedia"]);
    assert.equal(
      (item["associations"] as Record<string, Record<string, unknown>>)["featuremedia"]!["uri"],
      "urn:p",
    );
    assert.ok(notes.includes("guid read as uri"));
    assert.equal(
      fromDialect({ altids: { itemid: "abc123" }, headline: "H" }).item["uri"],
      "urn:altid:itemid:abc123",
    );
    // A 2.x-shaped item gets `by`, not the 1.x `byline`.
    assert.equal(fromDialect({ uri: "u", headlines: [], bylines: [{ by: "C" }] }).item["by"], "C");
  });
});

describe("ninjs 1.x", () => {
  it("is recognised by its single fields or its declaration", () => {
    assert.deepEqual(schemaVersionsFor({ uri: "u", headline: "h" })[0]![0], "1.6");
    assert.deepEqual(schemaVersionsFor({ uri: "u", body_html: "<p>x</p>" })[0]![0], "1.6");
    assert.deepEqual(schemaVersionsFor({ uri: "u", associations: { a: {} } })[0]![0], "1.6");
    assert.deepEqual(schemaVersionsFor({ uri: "u", $standard: { version: "1.3" } }), [["1.3"]]);
    assert.deepEqual(
      schemaVersionsFor({ uri: "u", $schema: "http://www.iptc.org/std/ninjs/ninjs-schema_1.1.json" }),
      [["1.1"]],
    );
    // Valid as some 1.x though neither 2.2 nor 3.x would have it.
    assert.deepEqual(validateNinjs({ uri: "u", mimetype: "text/plain" }).errors, []);
  });

  it("lenient: unknown properties are left out and named, wrong types stay errors", () => {
    const r = checkNinjsLenient({ uri: "u", headline: "h", priority: 3, extra: { a: 1 } });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.unknown.sort(), ["extra", "priority"]);
    assert.equal(r.item["priority"], undefined);
    const bad = checkNinjsLenient({ uri: "u", headline: 42 });
    assert.match(bad.errors.join(), /headline/);
    assert.match(
      validateNinjs({ uri: "u", headline: "h", priority: 3 }).errors.join(),
      /priority: not a ninjs property/,
    );
  });

  it("maps single fields, keyed associations and a picture's alternative text", () => {
    const item = upgrade1x({
      uri: "u",
      headline: "Main",
      byline: "By A",
      body_text: "plain",
      body_html: "<p>One</p><p>Two</p>",
      description_text: "Point",
      subject: [{ name: "Weather" }],
      associations: {
        featuremedia: {
          type: "picture",
          headline: "Title",
          body_text: "Alt words",
          description_text: "Caption words",
          renditions: {
            original: { href: "http://x/p.jpg", mimetype: "image/jpeg", width: 1000, height: 600 },
          },
        },
      },
    });
    const mapped = mapNinjsItem(item);
    assert.equal(mapped.kind, "story");
    if (mapped.kind !== "story") return;
    assert.equal(mapped.story.headline, "Main");
    assert.equal(mapped.story.byline, "By A");
    assert.equal(mapped.story.body?.length, 2, "the HTML body is preferred to the plain one");
    assert.deepEqual(mapped.story.summary, ["Point"]);
    assert.deepEqual(mapped.story.topicNames, ["Weather"]);
    assert.equal(mapped.hero?.alt, "Alt words");
    assert.equal(mapped.hero?.caption, "Caption words");
  });

  it("refuses a body that sanitises to nothing, and skips advisories and lone audio with a reason", () => {
    assert.throws(
      () =>
        mapNinjsItem({ uri: "u", headline: "H", body_html: "<script>alert(1)</script><style>p{}</style>" }),
      /body: has no text a reader could be shown/,
    );
    const adv = mapNinjsItem({ uri: "u", headline: "H", genre: [{ name: "Advisory" }] });
    assert.equal(adv.kind, "skip");
    assert.equal(mapNinjsItem({ uri: "u", type: "audio", headline: "H" }).kind, "skip");
  });

  it("reads the story part of a NITF document", () => {
    const html = nitfToHtml(
      "<nitf><head><title>T</title></head><body><body.head><hl1>T</hl1></body.head><body.content><block><p>One</p><hl2>Sub</hl2><p>Two</p></block></body.content></body></nitf>",
    );
    assert.equal(html, "<p>One</p><h2>Sub</h2><p>Two</p>");
  });
});
