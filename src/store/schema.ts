/**
 * Row types of the database, as Kysely sees them. JSON columns are stored as
 * text and parsed (through the zod schemas) in the repositories; dates are
 * ISO-8601 UTC strings so that ordering and comparison are the same on
 * SQLite and PostgreSQL.
 */
import type { Generated } from "kysely";

export interface SectionTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  position: number;
}

export interface TopicTable {
  id: Generated<number>;
  slug: string;
  name: string;
  /** subject | place | person | organisation */
  kind: string;
}

export interface AuthorTable {
  id: Generated<number>;
  slug: string;
  name: string;
  bio: string;
  role: string;
}

export interface ImageTable {
  id: Generated<number>;
  /** The original in the media store (`images/ab/cdef….jpg`), or null for a remote reference. */
  file: string | null;
  remote_url: string | null;
  mime: string;
  width: number;
  height: number;
  alt: string;
  caption: string | null;
  credit: string | null;
  /** JSON: [{ width, height, format, file }] */
  renditions: string;
  /** Where it came from (ninjs association uri), for idempotent re-import. */
  source_uri: string | null;
  created_at: string;
}

export interface VideoTable {
  id: Generated<number>;
  title: string;
  /** null when the source did not say. */
  duration_seconds: number | null;
  poster_image_id: number | null;
  /** JSON: [{ url, type }] */
  sources: string;
  caption: string | null;
  credit: string | null;
  source_uri: string | null;
  created_at: string;
}

export interface StoryTable {
  id: Generated<number>;
  uri: string | null;
  slug: string;
  /** The public path, fixed at first publication: /section/yyyy/mm/dd/slug */
  path: string;
  section_id: number;
  headline: string;
  /** JSON string[] */
  summary: string;
  /** JSON Block[] */
  body: string;
  hero_image_id: number | null;
  byline: string | null;
  dateline: string | null;
  /** JSON Source[] */
  sources: string;
  /** JSON number[] */
  related_video_ids: string;
  status: string;
  first_published_at: string | null;
  updated_at: string;
  created_at: string;
  embargo_until: string | null;
  source_version: string | null;
  word_count: number;
}

export interface StoryTopicTable {
  story_id: number;
  topic_id: number;
  position: number;
}

export interface StoryAuthorTable {
  story_id: number;
  author_id: number;
  position: number;
}

export interface RedirectTable {
  path: string;
  story_id: number;
}

export interface PageTable {
  id: Generated<number>;
  slug: string;
  title: string;
  body: string;
  updated_at: string;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface ChangeTable {
  id: Generated<number>;
  /** JSON string[]: surrogate keys to invalidate. */
  keys: string;
  created_at: string;
  purged_at: string | null;
}

export interface Database {
  changes: ChangeTable;
  sections: SectionTable;
  topics: TopicTable;
  authors: AuthorTable;
  images: ImageTable;
  videos: VideoTable;
  stories: StoryTable;
  story_topics: StoryTopicTable;
  story_authors: StoryAuthorTable;
  redirects: RedirectTable;
  pages: PageTable;
  settings: SettingTable;
}
