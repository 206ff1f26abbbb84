/**
 * A large WordPress export made on the spot (for the memory, resume and
 * speed tests and the benchmark): N posts of about 5 KB of generated text
 * each, half in block markup and half classic, in a few categories with
 * tags and a couple of comments, written as a stream.
 */
import fs from "node:fs";

const WORDS =
  "harbour council ferry tide quay budget school library river bridge market season crew vote plan rail bus street winter summer report weather storm clinic housing garden festival museum tram cycle lane station park square water energy grid wind solar farm bakery choir league match club coach ground mayor ward district survey fund grant repair road".split(
    " ",
  );

/** Deterministic words: the same n gives the same text. */
function words(seed: number, count: number): string {
  let x = seed * 2654435761;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    x = (x ^ (x >>> 13)) * 1274126177;
    x = (x ^ (x >>> 16)) >>> 0;
    out.push(WORDS[x % WORDS.length]!);
  }
  return out.join(" ");
}

const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;

export interface GeneratedWxr {
  file: string;
  posts: number;
  bytes: number;
}

export async function writeLargeWxr(
  file: string,
  posts: number,
  site = "https://big.example",
): Promise<GeneratedWxr> {
  const out = fs.createWriteStream(file);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once("drain", () => r()));
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Generated archive</title>
<link>${site}</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>${site}</wp:base_site_url>
<wp:base_blog_url>${site}</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>desk</wp:author_login><wp:author_email>desk@big.example</wp:author_email><wp:author_display_name>${cdata("Archive Desk")}</wp:author_display_name></wp:author>
<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>city</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>${cdata("City")}</wp:cat_name></wp:category>
<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>sport</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>${cdata("Sport")}</wp:cat_name></wp:category>
`);
  for (let i = 1; i <= posts; i++) {
    const day = new Date(Date.UTC(2015, 0, 1) + i * 3_600_000 * 3);
    const stamp = day.toISOString().slice(0, 19).replace("T", " ");
    const slug = `${words(i, 4).replace(/ /g, "-")}-${i}`;
    const paras = Array.from({ length: 8 }, (_, k) => words(i * 31 + k, 90));
    const body =
      i % 2
        ? paras.map((p) => `<!-- wp:paragraph -->\n<p>${p}</p>\n<!-- /wp:paragraph -->`).join("\n\n")
        : paras.join("\n\n");
    const comments =
      i % 5 === 0
        ? `<wp:comment><wp:comment_id>${i * 10}</wp:comment_id><wp:comment_author>${cdata("Pat Reader")}</wp:comment_author><wp:comment_author_email>pat@readers.example</wp:comment_author_email><wp:comment_date_gmt>${stamp}</wp:comment_date_gmt><wp:comment_content>${cdata(words(i, 20))}</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>`
        : "";
    await write(`<item>
<title>${cdata(`${words(i, 6)} (${i})`)}</title>
<link>${site}/${stamp.slice(0, 4)}/${stamp.slice(5, 7)}/${slug}/</link>
<dc:creator>${cdata("desk")}</dc:creator>
<guid isPermaLink="false">${site}/?p=${i}</guid>
<content:encoded>${cdata(body)}</content:encoded>
<excerpt:encoded>${cdata(words(i * 7, 25))}</excerpt:encoded>
<wp:post_id>${i}</wp:post_id>
<wp:post_date>${stamp}</wp:post_date>
<wp:post_date_gmt>${stamp}</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status>
<wp:post_name>${slug}</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<category domain="category" nicename="${i % 3 ? "city" : "sport"}">${cdata(i % 3 ? "City" : "Sport")}</category>
<category domain="post_tag" nicename="t${i % 40}">${cdata(`Tag ${i % 40}`)}</category>
${comments}
</item>
`);
  }
  await write("</channel>\n</rss>\n");
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return { file, posts, bytes: fs.statSync(file).size };
}
