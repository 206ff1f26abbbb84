/** Ghost exports (2.x and 5.x shapes, files of our own) read and normalised, and what is refused. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { parseGhostExport } from "../../src/ingest/ghost/ghost-export.ts";
import { ROOT } from "../helpers.ts";

const fixture = (name: string) => fs.readFileSync(path.join(ROOT, "test", "fixtures", "ghost", name), "utf8");

describe("Ghost exports", () => {
  it("normalises a Ghost 5 export: authors and tags in order, the feature image's alt and caption from posts_meta", () => {
    const g = parseGhostExport(fixture("tideline-5.json"));
    assert.equal(g.version, "5.101.0");
    assert.equal(g.posts.length, 4);
    const pier = g.posts[0]!;
    assert.equal(pier.type, "post");
    assert.equal(pier.visibility, "members");
    assert.deepEqual(pier.authorIds, ["u1", "u2"]);
    assert.deepEqual(pier.tagIds, ["t3", "t1"]);
    assert.equal(pier.featureImageAlt, "The pier from the beach");
    assert.equal(pier.featureImageCaption, "<span>Photo: Tideline</span>");
    assert.equal(pier.publishedAt, "2025-04-14T07:00:00.000Z");
    assert.equal(g.posts[2]!.type, "page");
    assert.equal(g.tags.get("t3")?.visibility, "internal");
    assert.equal(g.users.get("u2")?.bio, "");
  });

  it("normalises a Ghost 2 export: the page flag, one author_id, times in milliseconds", () => {
    const g = parseGhostExport(fixture("tideline-2.json"));
    assert.equal(g.version, "2.9.1");
    const [ferry, contact] = g.posts;
    assert.equal(ferry!.type, "post");
    assert.equal(contact!.type, "page");
    assert.deepEqual(ferry!.authorIds, ["1"]);
    assert.deepEqual(ferry!.tagIds, ["9"]);
    assert.equal(ferry!.publishedAt, "2019-01-01T08:00:00.000Z");
    assert.equal(ferry!.visibility, "public");
    assert.equal(contact!.visibility, "public", "no visibility: public");
  });

  it("refuses what is not a Ghost 2–6 export, saying what is wrong", () => {
    const cases: [string, RegExp][] = [
      ["", /the file is empty/],
      ['{\n  "db": [\n    {"meta": }\n  ]\n}', /^not JSON \(line 3, column \d+\)/],
      [
        '{"db":[{"meta":{"version":"1.25.0"},"data":{"posts":[]}}]}',
        /Ghost 1\.25\.0: Gazette reads exports of Ghost 2 to 6/,
      ],
      ['{"db":[{"data":{"posts":[]}}]}', /no meta\.version/],
      ['{"hello":"world"}', /no db\[0\]\.data/],
      ['{"db":[{"meta":{"version":"5.0.0"},"data":{}}]}', /^data\.posts: /],
      [
        '{"db":[{"meta":{"version":"5.0.0"},"data":{"posts":[{"id":"1","title":"x","slug":""}]}}]}',
        /^data\.posts\.0\.slug: a post without a slug/,
      ],
    ];
    for (const [source, message] of cases)
      assert.throws(
        () => parseGhostExport(source),
        (err: Error) => message.test(err.message),
        source,
      );
  });
});
