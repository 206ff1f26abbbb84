/**
 * Builds a large site fast for the benchmark: N published stories across 8
 * sections and 200 topics, each with a generated body, a hero picture (a
 * handful of real pictures shared), authors, and its search-index row —
 * the same rows saveStory writes, inserted in batches straight into SQLite.
 */
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import type { Block } from "../src/content/model.ts";
import { slugify } from "../src/content/slug.ts";
import { bodyWordCount, plainText } from "../src/content/text.ts";
import { rng, sceneJpeg } from "../src/demo/scenes.ts";
import { MediaStore } from "../src/media/media-store.ts";
import { openDatabase } from "../src/store/database.ts";
import { insertImage } from "../src/store/media-repo.ts";
import { storyPath } from "../src/store/story-store.ts";
import { upsertAuthor, upsertSection } from "../src/store/taxonomy-store.ts";

const WORDS =
  "harbour council ferry bridge budget market library rail port energy river school hospital weather season report minister office police court trade jobs housing climate research festival theatre museum league match coach players city valley coast island street district village community union company workers plan vote study data survey water power wind solar price cost rent tax fund grant board mayor assembly election campaign debate law rule safety traffic station route service week month year morning evening night".split(
    " ",
  );

/**
 * A vocabulary shaped like news text: 3,000 made-up words drawn with a
 * Zipf-like (log-uniform) frequency, and the real topical words placed at
 * ranks 400–520, so that a query like "harbour council" matches a realistic
 * share of the archive (a few per cent), not nearly all of it.
 */
const SYLLABLES =
  "ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko la le li lo lu ma me mi mo na ne ni no ra re ri ro sa se si so ta te ti to va ve vi".split(
    " ",
  );
const VOCAB: string[] = (() => {
  const r = rng(7);
  const words = new Set<string>();
  while (words.size < 3000) {
    const n = 2 + Math.floor(r() * 3);
    words.add(Array.from({ length: n }, () => SYLLABLES[Math.floor(r() * SYLLABLES.length)]).join(""));
  }
  const list = [...words];
  list.splice(400, 0, ...WORDS);
  return list;
})();

function word(r: () => number): string {
  const rank = Math.min(VOCAB.length, Math.floor(Math.exp(r() * Math.log(VOCAB.length))));
  return VOCAB[rank - 1]!;
}

function sentence(r: () => number, words: number): string {
  const w = Array.from({ length: words }, () => word(r));
  w[0] = w[0]!.charAt(0).toUpperCase() + w[0]!.slice(1);
  return `${w.join(" ")}.`;
}

export interface BuiltSite {
  dataDir: string;
  stories: number;
  articlePaths: string[];
  sectionSlugs: string[];
}

export async function buildSite(
  dataDir: string,
  stories: number,
  log: (s: string) => void,
): Promise<BuiltSite> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const db = await openDatabase({ dataDir });
  const media = new MediaStore(path.join(dataDir, "media"));
  const sections = ["world", "politics", "business", "science", "culture", "sport", "city", "opinion"];
  for (const [i, s] of sections.entries())
    await upsertSection(db, { slug: s, name: s[0]!.toUpperCase() + s.slice(1), position: i });
  for (let i = 0; i < 20; i++)
    await upsertAuthor(db, { slug: `reporter-${i}`, name: `Reporter ${i}`, role: "Reporter" });
  const images: number[] = [];
  for (let i = 0; i < 6; i++) {
    const stored = await media.putImage(await sceneJpeg(i % 2 ? "city" : "harbour", 900 + i));
    images.push(
      await insertImage(db, {
        ...stored,
        remoteUrl: null,
        alt: `Generated scene ${i}`,
        caption: `A generated scene for the benchmark (${i}).`,
        credit: "Gazette Bench",
      }),
    );
  }
  await db.destroy();

  const sqlite = new SQLite(path.join(dataDir, "gazette.sqlite"));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  const sectionIds = sqlite.prepare("SELECT id, slug FROM sections ORDER BY position").all() as {
    id: number;
    slug: string;
  }[];
  const insertTopic = sqlite.prepare("INSERT INTO topics (slug, name, kind) VALUES (?, ?, 'subject')");
  const topicIds: number[] = [];
  for (let i = 0; i < 200; i++)
    topicIds.push(Number(insertTopic.run(`topic-${i}`, `Topic ${i}`).lastInsertRowid));
  const insertStory =
    sqlite.prepare(`INSERT INTO stories (uri, slug, path, section_id, headline, summary, body, hero_image_id, byline, dateline, sources,
    related_video_ids, status, first_published_at, updated_at, created_at, embargo_until, source_version, word_count)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, '[]', '[]', 'published', ?, ?, ?, NULL, NULL, ?)`);
  const insertStoryTopic = sqlite.prepare(
    "INSERT INTO story_topics (story_id, topic_id, position) VALUES (?, ?, ?)",
  );
  const insertStoryAuthor = sqlite.prepare(
    "INSERT INTO story_authors (story_id, author_id, position) VALUES (?, ?, 1)",
  );
  const insertSearch = sqlite.prepare(
    "INSERT INTO story_search (rowid, headline, summary, body) VALUES (?, ?, ?, ?)",
  );
  const r = rng(42);
  const now = Date.now();
  const articlePaths: string[] = [];
  const batch = 5000;
  const started = Date.now();
  for (let start = 0; start < stories; start += batch) {
    sqlite.transaction(() => {
      for (let i = start; i < Math.min(stories, start + batch); i++) {
        const section = sectionIds[i % sectionIds.length]!;
        const headline = `${sentence(r, 7).slice(0, -1)} ${i}`;
        const slug = slugify(headline);
        const published = new Date(now - (stories - i) * 60_000).toISOString();
        const body: Block[] = Array.from({ length: 8 }, () => ({
          type: "paragraph" as const,
          content: [{ text: `${sentence(r, 14)} ${sentence(r, 12)} ${sentence(r, 10)}` }],
        }));
        const summary = [sentence(r, 16)];
        const p = storyPath(section.slug, published, slug);
        const id = Number(
          insertStory.run(
            `urn:bench:${i}`,
            slug,
            p,
            section.id,
            headline,
            JSON.stringify(summary),
            JSON.stringify(body),
            images[i % images.length]!,
            "PORT ELLERY",
            published,
            published,
            published,
            bodyWordCount(body),
          ).lastInsertRowid,
        );
        insertStoryTopic.run(id, topicIds[i % topicIds.length]!, 1);
        insertStoryTopic.run(id, topicIds[(i * 7 + 3) % topicIds.length]!, 2);
        insertStoryAuthor.run(id, 1 + (i % 20));
        insertSearch.run(id, headline, summary.join(" "), plainText(body));
        if (i >= stories - 50) articlePaths.push(p);
      }
    })();
    if (stories >= 50_000)
      log(
        `  ${Math.min(stories, start + batch).toLocaleString("en")} stories (${Math.round((Date.now() - started) / 1000)} s)`,
      );
  }
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.exec("ANALYZE");
  sqlite.close();
  return { dataDir, stories, articlePaths, sectionSlugs: sections };
}
