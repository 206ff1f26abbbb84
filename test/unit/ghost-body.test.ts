/** Ghost bodies (Lexical, mobiledoc, HTML) → blocks, on documents of our own in Ghost's shapes. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ghostBody } from "../../src/ingest/ghost/ghost-body.ts";

const SITE = "https://tideline.example";
const text = (t: string, format = 0) => ({
  type: "extended-text",
  text: t,
  format,
  mode: "normal",
  style: "",
});

describe("Ghost bodies", () => {
  it("reads Lexical: text marks and links, headings, nested lists, quotes and every common card", () => {
    const lexical = JSON.stringify({
      root: {
        type: "root",
        children: [
          {
            type: "paragraph",
            children: [
              text("The pier reopens "),
              text("on Monday", 1),
              text(", the council "),
              text("said", 2),
              { type: "linebreak" },
              { type: "link", url: "__GHOST_URL__/pier-repairs/", children: [text("Earlier report")] },
              { type: "link", url: "javascript:alert(1)", children: [text(" (no)")] },
            ],
          },
          { type: "extended-heading", tag: "h3", children: [text("What changes")] },
          {
            type: "list",
            listType: "number",
            children: [
              { type: "listitem", children: [text("Longer hours")] },
              {
                type: "listitem",
                children: [
                  text("New lights"),
                  {
                    type: "list",
                    listType: "bullet",
                    children: [{ type: "listitem", children: [text("LED")] }],
                  },
                ],
              },
            ],
          },
          { type: "aside", children: [text("Worth the wait.")] },
          {
            type: "image",
            src: "__GHOST_URL__/content/images/2025/04/pier.jpg",
            alt: "The pier at dusk",
            caption: "<span>Photo: <b>desk</b></span>",
          },
          {
            type: "gallery",
            images: [{ src: "https://cdn.example/a.jpg" }, { src: "https://cdn.example/b.jpg", alt: "B" }],
          },
          {
            type: "embed",
            url: "https://www.youtube.com/watch?v=pier2025",
            embedType: "video",
            html: "<iframe></iframe>",
            caption: "The reopening",
          },
          {
            type: "bookmark",
            url: "https://council.example/pier",
            title: "Pier notice",
            publisher: "Town Council",
          },
          { type: "html", html: "<p>Raw <em>HTML</em></p><script>steal()</script>" },
          { type: "markdown", markdown: "## From markdown\n\n- one\n- two" },
          { type: "callout", calloutEmoji: "💡", calloutText: "<p>Bring a torch.</p>" },
          { type: "toggle", heading: "<span>Is it free?</span>", content: "<p>Yes.</p>" },
          { type: "horizontalrule" },
          { type: "paywall" },
          { type: "signup", header: "Subscribe" },
          { type: "email", html: "<p>Only in the email</p>" },
          { type: "mystery-card" },
        ],
      },
    });
    const { blocks, notes } = ghostBody({ lexical, mobiledoc: null, html: "<p>ignored</p>" }, SITE);
    assert.deepEqual(blocks, [
      {
        type: "paragraph",
        content: [
          { text: "The pier reopens " },
          { text: "on Monday", bold: true },
          { text: ", the council " },
          { text: "said", italic: true },
          { text: " " },
          { text: "Earlier report", href: "https://tideline.example/pier-repairs/" },
          { text: " (no)" },
        ],
      },
      { type: "heading", level: 3, text: "What changes" },
      {
        type: "list",
        ordered: true,
        items: [[{ text: "Longer hours" }], [{ text: "New lights" }], [{ text: "LED" }]],
      },
      { type: "quote", text: "Worth the wait." },
      {
        type: "wp-image",
        ref: {
          src: "https://tideline.example/content/images/2025/04/pier.jpg",
          alt: "The pier at dusk",
          caption: "Photo: desk",
        },
      },
      { type: "wp-image", ref: { src: "https://cdn.example/a.jpg" } },
      { type: "wp-image", ref: { src: "https://cdn.example/b.jpg", alt: "B" } },
      { type: "embed", url: "https://www.youtube.com/watch?v=pier2025", title: "The reopening" },
      { type: "embed", url: "https://council.example/pier", title: "Pier notice", provider: "Town Council" },
      { type: "paragraph", content: [{ text: "Raw " }, { text: "HTML", italic: true }] },
      { type: "heading", level: 2, text: "From markdown" },
      { type: "list", ordered: false, items: [[{ text: "one" }], [{ text: "two" }]] },
      { type: "paragraph", content: [{ text: "💡 " }, { text: "Bring a torch." }] },
      { type: "heading", level: 3, text: "Is it free?" },
      { type: "paragraph", content: [{ text: "Yes." }] },
      { type: "divider" },
      { type: "preview-end" },
    ]);
    assert.deepEqual(notes, [
      "sanitising dropped 7 characters of text inside <script>: “steal()”",
      "a signup card was left out (it is Ghost's own feature)",
      "content meant only for the email newsletter was left out",
      'unknown card "mystery-card" was left out',
    ]);
  });

  it("reads mobiledoc: markups opened and closed across markers, atoms, lists, cards and image sections", () => {
    const mobiledoc = JSON.stringify({
      version: "0.3.1",
      atoms: [["soft-return", "", {}]],
      markups: [["strong"], ["a", ["href", "https://harbour.example/tides"]], ["em"]],
      cards: [
        ["image", { src: "/content/images/2019/06/tide.jpg", alt: "Low tide", caption: "Spring tide" }],
        ["card-markdown", { markdown: "A *markdown* card." }],
        [
          "bookmark",
          { url: "https://tides.example", metadata: { title: "Tide tables", publisher: "Tides" } },
        ],
        ["paywall", {}],
      ],
      sections: [
        [1, "h2", [[0, [], 0, "Tides this week"]]],
        [
          1,
          "p",
          [
            [0, [0], 0, "Bold "],
            [0, [1], 2, "and linked"],
            [1, [], 0, 0],
            [0, [2], 1, "then italic"],
          ],
        ],
        [3, "ul", [[[0, [], 0, "Monday"]], [[0, [], 0, "Tuesday"]]]],
        [10, 0],
        [10, 1],
        [10, 2],
        [1, "blockquote", [[0, [], 0, "The sea keeps its own time."]]],
        [10, 3],
        [2, "https://cdn.example/old.jpg"],
      ],
    });
    const { blocks, notes } = ghostBody({ mobiledoc }, SITE);
    assert.deepEqual(blocks, [
      { type: "heading", level: 2, text: "Tides this week" },
      {
        type: "paragraph",
        content: [
          { text: "Bold ", bold: true },
          { text: "and linked", bold: true, href: "https://harbour.example/tides" },
          { text: " " },
          { text: "then italic", italic: true },
        ],
      },
      { type: "list", ordered: false, items: [[{ text: "Monday" }], [{ text: "Tuesday" }]] },
      {
        type: "wp-image",
        ref: { src: "/content/images/2019/06/tide.jpg", alt: "Low tide", caption: "Spring tide" },
      },
      {
        type: "paragraph",
        content: [{ text: "A " }, { text: "markdown", italic: true }, { text: " card." }],
      },
      { type: "embed", url: "https://tides.example", title: "Tide tables", provider: "Tides" },
      { type: "quote", text: "The sea keeps its own time." },
      { type: "preview-end" },
      { type: "wp-image", ref: { src: "https://cdn.example/old.jpg" } },
    ]);
    assert.deepEqual(notes, []);
  });

  it("falls back to the rendered HTML, and says so when a stored format cannot be read", () => {
    const r = ghostBody(
      {
        lexical: "{not json",
        html: '<p>From <a href="__GHOST_URL__/x/">HTML</a></p><figure><img src="/content/images/a.png" alt="A"><figcaption>Cap</figcaption></figure>',
      },
      SITE,
    );
    assert.deepEqual(r.blocks, [
      {
        type: "paragraph",
        content: [{ text: "From " }, { text: "HTML", href: "https://tideline.example/x/" }],
      },
      { type: "wp-image", ref: { src: "/content/images/a.png", alt: "A", caption: "Cap" } },
    ]);
    assert.deepEqual(r.notes, ["its lexical could not be read; it was imported from its HTML"]);
  });
});
