import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  droppedTextWarnings,
  htmlToBlocks,
  htmlToBlocksReporting,
  textToBlocks,
} from "../../src/ingest/html-to-blocks.ts";

const text = (html: string) => JSON.stringify(htmlToBlocks(html));

describe("htmlToBlocks", () => {
  it("keeps paragraphs with bold, italic and links", () => {
    assert.deepEqual(
      htmlToBlocks('<p>Hello <b>bold</b> <em>it</em> <a href="https://example.org/x">link</a>.</p>'),
      [
        {
          type: "paragraph",
          content: [
            { text: "Hello " },
            { text: "bold", bold: true },
            { text: " " },
            { text: "it", italic: true },
            { text: " " },
            { text: "link", href: "https://example.org/x" },
            { text: "." },
          ],
        },
      ],
    );
  });
  it("maps headings, lists, quotes and rules", () => {
    const blocks = htmlToBlocks(
      "<h1>Top</h1><h3>Sub</h3><ol><li>one</li><li>two</li></ol><blockquote><p>Words</p><footer>— A Person</footer></blockquote><hr>",
    );
    assert.deepEqual(
      blocks.map((b) => b.type),
      ["heading", "heading", "list", "quote", "divider"],
    );
    assert.deepEqual(blocks[0], { type: "heading", level: 2, text: "Top" });
    assert.deepEqual(blocks[3], { type: "quote", text: "Words", attribution: "A Person" });
  });
  it("drops unknown elements but keeps their text", () => {
    assert.deepEqual(htmlToBlocks("<p><span class=x>kept <custom-tag>too</custom-tag></span></p>"), [
      { type: "paragraph", content: [{ text: "kept too" }] },
    ]);
    assert.deepEqual(htmlToBlocks("<div>loose text<p>para</p></div>").length, 2);
  });
  it("drops scripts, styles, iframes and their content", () => {
    const out = text(
      '<p>ok<script>alert(1)</script><style>p{}</style><iframe src="https://evil.example"></iframe></p><script>x()</script>',
    );
    assert.doesNotMatch(out, /alert|p\{\}|evil|x\(\)/);
    assert.match(out, /ok/);
  });
  it("strips event handlers and javascript:, data: and vbscript: links, keeping the text", () => {
    const out = htmlToBlocks(
      '<p onclick="steal()"><a href="javascript:alert(1)">a</a> <a href=" JaVa\tScRiPt:alert(1)">b</a> <a href="data:text/html,x">c</a> <a href="vbscript:x">d</a> <a href="mailto:desk@example.org">e</a></p>',
    );
    const json = JSON.stringify(out);
    assert.doesNotMatch(json, /javascript|data:|vbscript|steal|onclick/i);
    assert.match(json, /mailto:desk@example.org/);
    assert.match(json, /"text":"a b c d "/);
  });
  it("drops SVG and MathML with their content (namespace tricks)", () => {
    const out = text(
      '<p>before<svg><script>alert(1)</script><a href="javascript:x"><text>svgtext</text></a></svg><math><mi xlink:href="javascript:y">m</mi></math>after</p>',
    );
    assert.doesNotMatch(out, /alert|svgtext|javascript/);
    assert.match(out, /beforeafter/);
  });
  it("does not let mis-nested markup escape the allow-list", () => {
    const out = text(
      '<p><b><i>x</b>y</i></p><noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript><img src=x onerror=alert(2)>',
    );
    assert.doesNotMatch(out, /onerror|alert|img/);
  });
  it("collapses whitespace and drops empty paragraphs", () => {
    assert.deepEqual(htmlToBlocks("<p>  a \n  b  </p><p> </p>"), [
      { type: "paragraph", content: [{ text: "a b" }] },
    ]);
  });
});

describe("htmlToBlocksReporting", () => {
  it("reports the text an unclosed <style> inside <math> swallowed (everything after it)", () => {
    const { blocks, dropped } = htmlToBlocksReporting(
      "<p>The council met.</p><p><math><mtext><style>x{}</p><p>The vote passed by nine to four.</p><p>Work starts in May.</p>",
    );
    assert.deepEqual(blocks, [{ type: "paragraph", content: [{ text: "The council met." }] }]);
    assert.equal(dropped.length, 1);
    assert.equal(dropped[0]!.inside, "<math>");
    assert.match(dropped[0]!.sample, /^x\{\}<\/p><p>The vote passed/);
    assert.match(
      droppedTextWarnings(dropped)[0]!,
      /^sanitising dropped \d+ characters of text inside <math>: “x\{\}/,
    );
  });
  it("reports a script's text and loose text in a list, and nothing when only markup went", () => {
    const { dropped } = htmlToBlocksReporting(
      "<p>Hi<script>alert(1)</script></p><ul>loose<li>item</li></ul>",
    );
    assert.deepEqual(
      dropped.map((d) => [d.inside, d.characters, d.sample]),
      [
        ["<script>", 8, "alert(1)"],
        ["<ul> (outside any <li>)", 5, "loose"],
      ],
    );
    assert.deepEqual(htmlToBlocksReporting('<p><font color="red">kept</font><img src=x></p>').dropped, []);
  });
  it("lists at most five, then how many more", () => {
    const many = htmlToBlocksReporting("<p>a</p>" + "<script>x</script>".repeat(8)).dropped;
    assert.equal(droppedTextWarnings(many).length, 6);
    assert.equal(droppedTextWarnings(many)[5], "… and text inside 3 more elements");
  });
});

describe("textToBlocks", () => {
  it("splits on blank lines, or on lines when there are none", () => {
    assert.equal(textToBlocks("one\n\ntwo\nstill two").length, 2);
    assert.equal(textToBlocks("one\ntwo\nthree").length, 3);
    assert.deepEqual(textToBlocks("   "), []);
  });
});
