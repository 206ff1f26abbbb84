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
  /** 1: every comment on this section's stories waits for a moderator. */
  premoderate: Generated<number>;
  /** JSON: content/model.ts accessSchema, for its stories that set none; null: free. */
  default_access: string | null;
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
  /** The point every crop keeps in view, in percent of the width and height (50, 50: the centre). */
  focal_x: Generated<number>;
  focal_y: Generated<number>;
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
  /** Incremented by every newsroom save: the base of optimistic concurrency. */
  revision: Generated<number>;
  /** When a scheduled story is due (status "scheduled"). */
  scheduled_at: string | null;
  created_by: number | null;
  updated_by: number | null;
  /** Approved comments, kept by comment-store (never counted per request). */
  comment_count: Generated<number>;
  /** open | closed (read-only) | off */
  comments_mode: Generated<string>;
  /** 1: every comment on this story waits for a moderator. */
  premoderate: Generated<number>;
  /** In the trash since then (never shown to readers; restorable). */
  trashed_at: string | null;
  /** JSON: content/model.ts seoSchema. */
  seo: Generated<string>;
  /** JSON: content/model.ts accessSchema; null: the section's default. */
  access: string | null;
  /** JSON Sponsor: a sponsored story names its sponsor. */
  sponsor: string | null;
}

/** Which pictures and videos a story shows (content/story-media.ts), written by saveStory. */
export interface StoryMediaTable {
  story_id: number;
  kind: "image" | "video";
  media_id: number;
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

export interface HealthProbeTable {
  id: number;
  checked_at: string;
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

export interface UserTable {
  id: Generated<number>;
  /** Lower-cased. */
  email: string;
  name: string;
  /** contributor | editor | admin */
  role: string;
  /** scrypt, self-describing (see passwords.ts). */
  password_hash: string;
  /** The author profile the user writes as. */
  author_id: number | null;
  created_at: string;
  disabled_at: string | null;
  /** 1: notices also come by email. */
  notify_by_email: Generated<number>;
}

export interface SessionTable {
  /** SHA-256 of the cookie's token: a leaked table does not give sessions away. */
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string;
  user_agent: string;
}

export interface LoginThrottleTable {
  /** `email:<address>` or `ip:<address>` */
  key: string;
  failures: number;
  window_start: string;
  locked_until: string | null;
}

export interface InvitationTable {
  token_hash: string;
  email: string;
  role: string;
  invited_by: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface StoryRevisionTable {
  id: Generated<number>;
  story_id: number;
  /** 1, 2, 3 … per story; equals stories.revision after the save that wrote it. */
  number: number;
  user_id: number | null;
  /** Kept so that history survives the account's deletion. */
  user_name: string;
  created_at: string;
  status: string;
  /** 1 when this revision was (or became) what readers saw: the public history lists these. */
  published: number;
  note: string;
  /** JSON StoryDraft: the story's editable content at this revision. */
  data: string;
  /** For a revision that changed a picture or video the story shows, not its content: what readers are told. */
  public_note: string | null;
}

export interface CorrectionTable {
  id: Generated<number>;
  story_id: number;
  /** correction | clarification */
  kind: string;
  text: string;
  created_at: string;
  user_id: number | null;
  /** Last edit of the text (the change is in correction_changes). */
  updated_at: string | null;
  /** Withdrawn: still shown, marked as retracted. */
  retracted_at: string | null;
}

/** An internal note on a story from the newsroom (never shown to readers). */
export interface StoryNoteTable {
  id: Generated<number>;
  story_id: number;
  user_id: number | null;
  author_name: string;
  /** note | returned (the note an editor sent a story back with) */
  kind: string;
  body: string;
  created_at: string;
}

/** A source of wire copy: a watch folder, an HTTP push endpoint, a polled URL, or the command line. */
export interface WireFeedTable {
  id: Generated<number>;
  name: string;
  slug: string;
  /** folder | push | poll | import */
  kind: string;
  /** JSON: the folder, or the URL, interval and headers of a poll (store/wire-store.ts feedSettingsSchema). */
  settings: string;
  /** The push feed's shared secret (HMAC key and bearer token). */
  secret: string | null;
  section_slug: string | null;
  /** JSON array of topic names given to every story from this feed. */
  topic_names: string;
  /** queue (editors pick) | publish (trusted: published at once) */
  mode: string;
  /** Editors may "Publish as is" from it (a publish feed is always trusted). */
  trusted: number;
  /** alert | unpublish: what a kill does to a story made from the item */
  kill_rule: string;
  priority: number;
  enabled: number;
  /** 1 when the config file defines it (the file wins on start). */
  from_config: number;
  etag: string | null;
  last_modified: string | null;
  cursor: string | null;
  next_run_at: string | null;
  failures: number;
  last_error: string | null;
  last_success_at: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  created_at: string;
  updated_at: string;
}

/** One agency item in the wire queue, however many feeds or versions brought it. */
export interface WireItemTable {
  id: Generated<number>;
  /** The item's uri (or guid): the same key from any feed is the same item. */
  item_key: string;
  feed_id: number | null;
  /** story | media | skip */
  kind: string;
  headline: string;
  summary: string;
  search_text: string;
  urgency: number | null;
  priority: number | null;
  pubstatus: string;
  embargo_until: string | null;
  skip_reason: string | null;
  latest_version: string;
  /** When the agency sent its newest version (its versioncreated), if it said. */
  sent_at: string | null;
  version_count: number;
  /** The story made from it, if any, and the version and story revision that were applied. */
  story_id: number | null;
  applied_version: string | null;
  applied_revision: number | null;
  /** A newer version an editor chose not to apply. */
  dismissed_version: string | null;
  media_kind: string | null;
  media_id: number | null;
  first_received_at: string;
  received_at: string;
}

/** A version of a wire item exactly as it was sent. */
export interface WireVersionTable {
  id: Generated<number>;
  wire_item_id: number;
  version_key: string;
  feed_id: number | null;
  ninjs_version: string;
  /** The item's JSON, as received (before dialect reading). */
  payload: string;
  /** Where relative media paths resolve (the file's folder), for items from files. */
  base_dir: string | null;
  /** The body document fetched from the item's remote text rendition (a poll's NITF), as received. */
  fetched_body: string | null;
  warnings: string;
  /** The file, push or URL it came from. */
  source: string;
  received_at: string;
}

/** Something a feed brought that could not be read as an item (with the reason). */
export interface WireFailureTable {
  id: Generated<number>;
  feed_id: number | null;
  source: string;
  item_key: string | null;
  error: string;
  excerpt: string;
  received_at: string;
}

/** A notice to one newsroom user. */
export interface NotificationTable {
  id: Generated<number>;
  user_id: number;
  /** submitted | returned | published | correction | note */
  kind: string;
  story_id: number | null;
  text: string;
  created_at: string;
  read_at: string | null;
}

/** The stories an editor put first on a front page ("home", or "section:<slug>"), in order. */
export interface FrontPageTable {
  page: string;
  /** JSON array of story ids; the first is the lead. */
  story_ids: string;
  updated_at: string;
  updated_by: number | null;
}

/** Every edit and retraction of a correction: what it said before, who changed it, when. */
export interface CorrectionChangeTable {
  id: Generated<number>;
  correction_id: number;
  /** edited | retracted */
  action: string;
  previous_kind: string;
  previous_text: string;
  user_id: number | null;
  created_at: string;
}

export interface ReaderTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  password_hash: string;
  created_at: string;
  verified_at: string | null;
  banned_at: string | null;
  suspended_until: string | null;
  notify_replies: Generated<number>;
  deleted_at: string | null;
  /** Stripe's customer (cus_…) once the reader started a checkout. */
  stripe_customer_id: string | null;
}

export interface ReaderSessionTable {
  id: string;
  reader_id: number;
  created_at: string;
  expires_at: string;
}

export interface ReaderTokenTable {
  token_hash: string;
  reader_id: number;
  /** verify | reset */
  kind: string;
  expires_at: string;
  used_at: string | null;
}

export interface CommentTable {
  id: Generated<number>;
  story_id: number;
  reader_id: number;
  parent_id: number | null;
  depth: number;
  /** Plain text as the reader typed it; rendered escaped, links found at render time. */
  body: string;
  /** pending | approved | rejected | deleted */
  status: string;
  /** Why the rules held it ("new account; 3 links"). */
  hold_reasons: Generated<string>;
  created_at: string;
  edited_at: string | null;
  reaction_count: Generated<number>;
  reply_count: Generated<number>;
  report_count: Generated<number>;
  is_staff: Generated<number>;
}

export interface CommentReactionTable {
  comment_id: number;
  reader_id: number;
}

export interface CommentReportTable {
  id: Generated<number>;
  comment_id: number;
  reader_id: number;
  reason: string;
  note: Generated<string>;
  created_at: string;
}

export interface ModerationLogTable {
  id: Generated<number>;
  comment_id: number | null;
  reader_id: number | null;
  /** The moderator (a newsroom user), null for the automatic rules. */
  user_id: number | null;
  action: string;
  reason: Generated<string>;
  created_at: string;
}

export interface RateLimitTable {
  key: string;
  window_start: string;
  count: number;
}

export interface NewsletterTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  from_name: string;
  from_email: string;
  reply_to: string | null;
  /** JSON array of section slugs a digest draws on. */
  section_slugs: string;
  /** JSON array of topic names a digest draws on. */
  topic_names: string;
  /** JSON {days, time} (content/newsletter.ts scheduleSchema), or null. */
  schedule: string | null;
  auto_send: number;
  digest_size: number;
  listed: number;
  /** When the next scheduled digest is due (the scheduler's bookmark). */
  next_digest_at: string | null;
  created_at: string;
  updated_at: string;
}

/** An email address that receives (or once received) newsletters; an account is optional. */
export interface SubscriberTable {
  id: Generated<number>;
  email: string;
  /** The secret in the subscriber's preference and unsubscribe links. */
  token: string;
  reader_id: number | null;
  /** signup | account | import */
  source: string;
  /** Soft bounces in a row (a delivery notice resets it). */
  soft_bounces: Generated<number>;
  confirmed_at: string | null;
  created_at: string;
}

export interface SubscriptionTable {
  subscriber_id: number;
  newsletter_id: number;
  /** pending (awaiting confirmation) | active | unsubscribed */
  status: string;
  /** JSON: {basis, at, page, wording, ip?}: how consent was given. */
  consent: Generated<string>;
  subscribed_at: string | null;
  unsubscribed_at: string | null;
  updated_at: string;
}

export interface SubscriptionConfirmationTable {
  token_hash: string;
  subscriber_id: number;
  /** JSON array of newsletter ids the confirmation subscribes to. */
  newsletter_ids: string;
  /** JSON consent record, kept with the subscriptions once confirmed. */
  consent: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SuppressionTable {
  email: string;
  /** hard-bounce | complaint | soft-bounces | manual */
  reason: string;
  detail: string;
  created_at: string;
}

export interface NewsletterIssueTable {
  id: Generated<number>;
  newsletter_id: number;
  /** story | digest | alert */
  kind: string;
  subject: string;
  intro: string;
  /** JSON array of story ids, in order. */
  story_ids: string;
  url: string | null;
  /** draft | scheduled | sending | sent | cancelled */
  status: string;
  /** The schedule's occurrence a digest was made for (unique per newsletter). */
  scheduled_for: string | null;
  send_at: string | null;
  /** The email as rendered when the issue was queued (per-recipient links as placeholders). */
  html: string | null;
  text: string | null;
  recipients: Generated<number>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  queued_at: string | null;
  finished_at: string | null;
}

/** One issue to one subscriber: claimed, sent and recorded exactly once. */
export interface NewsletterDeliveryTable {
  id: Generated<number>;
  issue_id: number;
  subscriber_id: number;
  email: string;
  /** queued | claimed | sending | sent | failed | bounced | skipped */
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  /** 1 after a process died while it was sending: the resend carries the same Message-ID. */
  uncertain: Generated<number>;
  error: string | null;
  sent_at: string | null;
  bounced_at: string | null;
}

export interface MailEventTable {
  id: Generated<number>;
  /** bounce | complaint | delivery */
  kind: string;
  bounce: string | null;
  email: string;
  message_id: string | null;
  delivery_id: number | null;
  /** gazette | ses | postmark */
  source: string;
  detail: string;
  at: string;
  received_at: string;
}

/** A paid plan readers subscribe to (through Stripe Checkout when Stripe is configured). */
export interface PlanTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  /** The price in the currency's minor unit (cents). */
  price_minor: number;
  /** ISO 4217, lower case as Stripe writes it. */
  currency: string;
  /** month | year */
  interval: string;
  /** Stripe's Price this plan is sold at (price_…); null: not on sale online. */
  stripe_price_id: string | null;
  active: Generated<number>;
  position: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** A Stripe subscription as its latest webhook event described it. */
export interface BillingSubscriptionTable {
  /** Stripe's id (sub_…). */
  id: string;
  reader_id: number | null;
  customer_id: string;
  price_id: string | null;
  /** The plan of its price; null when the price is not one of ours. */
  plan_slug: string | null;
  /** Stripe's status: active, trialing, past_due, unpaid, canceled, incomplete, incomplete_expired, paused */
  status: string;
  amount_minor: Generated<number>;
  currency: Generated<string>;
  interval: Generated<string>;
  current_period_end: string | null;
  cancel_at_period_end: Generated<number>;
  /** When it went past due (the grace period counts from here). */
  past_due_since: string | null;
  /** The `created` (unix seconds) of the event that wrote this row: an older event changes nothing. */
  event_created: number;
  created_at: string;
  updated_at: string;
}

/** Stripe events already applied (webhooks are delivered at least once). */
export interface StripeEventTable {
  id: string;
  type: string;
  created: number;
  received_at: string;
}

/** Access the newsroom gave a reader: complimentary, staff, partner. */
export interface ReaderGrantTable {
  id: Generated<number>;
  reader_id: number;
  kind: string;
  /** The plan it gives; null: every plan. */
  plan_slug: string | null;
  note: Generated<string>;
  expires_at: string | null;
  created_by: number | null;
  created_at: string;
  revoked_at: string | null;
}

/** A library, a school or a company whose people read by their email domain or from its network. */
export interface AdvertiserTable {
  id: Generated<number>;
  name: string;
  contact_email: string | null;
  created_at: string;
  updated_at: string;
}

export interface AdCampaignTable {
  id: Generated<number>;
  advertiser_id: number;
  name: string;
  /** draft | active | paused | archived */
  status: string;
  starts_at: string;
  ends_at: string | null;
  /** Higher wins a slot; house ads are below every campaign. */
  priority: Generated<number>;
  /** Its share among campaigns of the same priority. */
  weight: Generated<number>;
  budget_impressions: number | null;
  /** Viewable impressions a reader may see a day. */
  frequency_cap: number | null;
  /** JSON AdTargeting (content/ad-selection.ts). */
  targeting: Generated<string>;
  created_at: string;
  updated_at: string;
}

export interface AdCreativeTable {
  id: Generated<number>;
  campaign_id: number;
  /** image | text */
  kind: string;
  name: string;
  href: string;
  weight: Generated<number>;
  image_id: number | null;
  width: number | null;
  height: number | null;
  alt: Generated<string>;
  headline: Generated<string>;
  body: Generated<string>;
  cta: Generated<string>;
  active: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** Counts per creative and day (the site's time zone); never per reader. */
export interface AdStatTable {
  creative_id: number;
  campaign_id: number;
  day: string;
  impressions: Generated<number>;
  viewable: Generated<number>;
  clicks: Generated<number>;
}

export interface InstitutionTable {
  id: Generated<number>;
  name: string;
  /** JSON string[]: "example.edu" (also its subdomains). */
  email_domains: Generated<string>;
  /** JSON string[]: CIDR ranges. */
  ip_ranges: Generated<string>;
  plan_slug: string | null;
  active: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** A signed link to one story that opens it in full for whoever follows it, a number of times. */
export interface GiftLinkTable {
  id: Generated<number>;
  story_id: number;
  /** The subscriber who made it, or the newsroom user. */
  reader_id: number | null;
  user_id: number | null;
  max_uses: number;
  uses: Generated<number>;
  expires_at: string;
  created_at: string;
}

/** What an importer brought, one row per item of its source (store/import-store.ts). */
export interface ImportItemTable {
  /** "wordpress:<the old site's address>", "ghost:<…>". */
  source: string;
  /** The item within its source: "post:555", "attachment:611", "comment:555:12", "author:admin". */
  item_key: string;
  /** story | page | image | video | file | comment | reader | author | section | topic */
  kind: string;
  target_id: number;
  /** sha256 of what the source said: the same hash again is "unchanged". */
  content_hash: string;
  /** A story's revision as the import left it: a later one means the newsroom edited it. */
  target_revision: number | null;
  /** 1: its text links to items of the source not imported yet (rewritten at the end of a run). */
  links_pending: Generated<number>;
  imported_at: string;
}

/** One run of an importer over one file: the checkpoint a rerun continues from. */
export interface ImportRunTable {
  id: Generated<number>;
  source: string;
  file: string;
  /** sha256 of the file: a rerun continues only the same file. */
  fingerprint: string;
  started_at: string;
  finished_at: string | null;
  /** Items of the file done (written and committed). */
  position: Generated<number>;
  total: Generated<number>;
  /** running | done | failed */
  status: string;
  /** JSON: counts by outcome. */
  counts: Generated<string>;
  /** cli | newsroom: where the run was started. */
  origin: Generated<string>;
  /** The newsroom user who started it. */
  started_by: number | null;
  /** JSON: the newsroom run's options (fetch media, section, old site's address). */
  options: string | null;
  /** The uploaded file, relative to the data folder, while a newsroom run may need it. */
  upload: string | null;
  /** Its name on the uploader's computer. */
  upload_name: string | null;
  /** Written while the run is working; an old one on a running run means its process stopped. */
  heartbeat_at: string | null;
  /** Why a run failed (the file refused, with where). */
  error: string | null;
  /** JSON: the final report (comments, unresolved list, format, resumedAfter). */
  report: string | null;
}

/** A story covered live: its coverage and its stream's change counter. */
export interface LiveStoryTable {
  story_id: number;
  /** open | closed */
  state: string;
  coverage_start: string;
  coverage_end: string | null;
  /** Contributors' posts wait for an editor. */
  require_approval: Generated<number>;
  /** Wire items updating the story's agency item are appended as posts. */
  wire_append: Generated<number>;
  /** The last change's number: every post change takes the next one. */
  seq: Generated<number>;
  /** The newest published post's time (teasers show it). */
  last_post_at: string | null;
}

/** One post of a live story. */
export interface LivePostTable {
  id: Generated<number>;
  story_id: number;
  /** The story's change number of this post's last change. */
  seq: number;
  /** draft | pending | published | deleted */
  status: string;
  title: string | null;
  /** JSON: the post's blocks (the story body's block model). */
  body: string;
  /** JSON: author profiles' slugs. */
  author_slugs: Generated<string>;
  pinned: Generated<number>;
  key_event: Generated<number>;
  published_at: string | null;
  /** Set when a published post is changed: readers see "updated". */
  edited_at: string | null;
  created_at: string;
  created_by: number | null;
  deleted_at: string | null;
  deleted_by: number | null;
  /** The wire item it came from. */
  source_uri: string | null;
}

/** A published live post edited or deleted: what readers see in the story's history. */
export interface LivePostChangeTable {
  id: Generated<number>;
  story_id: number;
  post_id: number;
  /** edited | deleted */
  kind: string;
  at: string;
  /** When the post was published (how readers know which one). */
  post_published_at: string;
  title_before: string | null;
  /** JSON: the post's blocks before the change. */
  body_before: string;
  title_after: string | null;
  /** JSON: the blocks after an edit; null for a deletion. */
  body_after: string | null;
  /** The desk's note to readers: why it changed. */
  note: string | null;
  user_id: number | null;
  /** Kept so that history survives the account's deletion. */
  user_name: string;
}

/** One item's outcome in one run (the report a run's page lists). */
export interface ImportRunItemTable {
  id: Generated<number>;
  run_id: number;
  item_key: string;
  status: string;
  title: string | null;
  url: string | null;
  /** The reason (skipped) or the error. */
  detail: string | null;
  /** JSON array: what did not come through whole. */
  notes: string | null;
}

/** An old site's address (path, or "/?p=ID") that answers 301 to what it became. */
export interface LegacyUrlTable {
  path: string;
  /** story | page | section | topic | author | media */
  target_kind: string;
  /** A story's or picture's id, or a slug. */
  target_ref: string;
  source: string;
}

export interface Database {
  import_items: ImportItemTable;
  import_runs: ImportRunTable;
  import_run_items: ImportRunItemTable;
  live_stories: LiveStoryTable;
  live_posts: LivePostTable;
  live_post_changes: LivePostChangeTable;
  legacy_urls: LegacyUrlTable;
  plans: PlanTable;
  billing_subscriptions: BillingSubscriptionTable;
  stripe_events: StripeEventTable;
  reader_grants: ReaderGrantTable;
  institutions: InstitutionTable;
  advertisers: AdvertiserTable;
  ad_campaigns: AdCampaignTable;
  ad_creatives: AdCreativeTable;
  ad_stats: AdStatTable;
  gift_links: GiftLinkTable;
  readers: ReaderTable;
  reader_sessions: ReaderSessionTable;
  reader_tokens: ReaderTokenTable;
  comments: CommentTable;
  comment_reactions: CommentReactionTable;
  comment_reports: CommentReportTable;
  moderation_log: ModerationLogTable;
  rate_limits: RateLimitTable;
  users: UserTable;
  sessions: SessionTable;
  login_throttle: LoginThrottleTable;
  invitations: InvitationTable;
  story_revisions: StoryRevisionTable;
  corrections: CorrectionTable;
  correction_changes: CorrectionChangeTable;
  story_notes: StoryNoteTable;
  notifications: NotificationTable;
  wire_feeds: WireFeedTable;
  newsletters: NewsletterTable;
  subscribers: SubscriberTable;
  subscriptions: SubscriptionTable;
  subscription_confirmations: SubscriptionConfirmationTable;
  suppressions: SuppressionTable;
  newsletter_issues: NewsletterIssueTable;
  newsletter_deliveries: NewsletterDeliveryTable;
  mail_events: MailEventTable;
  wire_items: WireItemTable;
  wire_versions: WireVersionTable;
  wire_failures: WireFailureTable;
  front_pages: FrontPageTable;
  changes: ChangeTable;
  sections: SectionTable;
  topics: TopicTable;
  authors: AuthorTable;
  images: ImageTable;
  videos: VideoTable;
  stories: StoryTable;
  story_topics: StoryTopicTable;
  story_media: StoryMediaTable;
  story_authors: StoryAuthorTable;
  redirects: RedirectTable;
  pages: PageTable;
  settings: SettingTable;
  health_probe: HealthProbeTable;
}
