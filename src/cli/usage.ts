/** What the `gazette` command prints for help and mistakes; no heavy imports, so a wrong command line answers at once. */

/** A mistake in a `gazette user` command line (exit code 2). */
export class UserCommandError extends Error {}

export const USER_USAGE = `  user add --email E --role contributor|moderator|editor|admin [--name "Full Name"] [--password-stdin]
                             Create a newsroom account (prints a generated password unless one is piped in)
  user invite --email E --role R
                             Print a one-time sign-up link, valid for 7 days
  user list                  List accounts
  user reset-password --email E
                             Set a new generated password and end the user's sessions
  user disable|enable --email E
                             Disable (ends sessions) or re-enable an account
  user unlock --email E      Clear the sign-in slowdown and per-address locks on an account`;

export const MEDIA_USAGE = `  media migrate --to s3://BUCKET[/PREFIX]?region=R[&endpoint=URL&forcePathStyle=true] [--remove-local]
                             Copy every file of the local media folder into the bucket, verifying each by size and
                             hash (resumable: files already there are checked, not copied again); --remove-local
                             then deletes the local copies that verified
  media verify               List every picture and video whose files are missing from the media store (exit 1 if any)
  media renditions           Make the picture sizes each original should have and does not (after a width is added)`;

export const NEWSLETTER_USAGE = `  newsletter create --slug S --name N [--from-email E] [--from-name N] [--reply-to E] [--description D]
                    [--sections a,b] [--schedule mon,wed@07:00|daily@07:00|weekdays@06:30]
                             Define a newsletter (a schedule makes a digest of its sections at that local time)
  newsletter import --newsletter S [--consent given|confirm] FILE.csv
                             Add subscribers from a CSV whose header row names an "email" column: "given" records
                             the consent you hold; "confirm" (default) emails each new address a confirmation
  newsletter send --newsletter S (--story PATH|ID | --digest) [--queue-only]
                             Send one story, or a digest of the newest stories, to every subscriber; waits until
                             sent (--queue-only leaves the sending to the running servers)
  newsletter deliver         Send whatever is queued (after a crash, or without a server running), then stop
  newsletter status [--newsletter S]
                             Subscribers, and per issue: queued, sending, sent, failed, bounced
  newsletter suppress EMAIL  Never send to this address again (until it confirms a subscription anew)
  newsletter export --newsletter S [--out FILE]
                             The subscribers with their consent, as CSV (stdout unless --out)
                             Every newsletter command takes --json.`;

export const USAGE = `Usage: gazette <command> [options]

Commands:
  serve                      Serve the site on PORT (default 3000), seeding the demo newsroom on an empty database
  import [--json] [--section SLUG] [--strict] [--ninjs-version V] [--queue] FILE|FOLDER…
                             Import IPTC ninjs 1.0–1.6, 2.x and 3.x files: one item, a list, an agency API envelope
                             or a feed wrapper per file (folders are searched for *.json). Lenient by default:
                             properties outside the standard are left out with a warning; --strict refuses them
                             and reads no dialect; --ninjs-version judges every item as that version (e.g. 1.4);
                             --queue puts the items in the newsroom's wire queue instead of publishing them
  import-wordpress [--json] [--uploads DIR] [--fetch-media [--fetch-timeout S] [--max-media-mb N]]
                   [--section SLUG] [--max-post-mb N] FILE.xml
                             Import a WordPress export (WXR 1.0–1.2, Tools → Export): posts, pages, authors,
                             categories and tags, comments and pictures (from a copy of wp-content/uploads, or
                             downloaded with --fetch-media); old addresses answer 301. Resumable after a crash,
                             and a second run updates rather than duplicates; lists what needs a person at the end
  import-ghost [--json] [--content DIR] [--site-url URL] [--fetch-media [--fetch-timeout S] [--max-media-mb N]]
               [--section SLUG] FILE.json
                             Import a Ghost export (Ghost 2–6, Settings → Advanced → Export content): posts, pages,
                             authors, tags (the first → the section), feature images and pictures (from a copy of
                             Ghost's content folder, or downloaded with --fetch-media), who may read each post
                             (members, paid); old addresses answer 301. Resumable, and a second run updates rather
                             than duplicates; lists what needs a person at the end
  export --out DIR           Write the whole site into a new folder: every table as JSON Lines (no password hashes,
                             sessions or tokens), every media file, a manifest with checksums (docs/operations.md)
  export --format ninjs --out DIR [--ninjs-version 2.2|3.0|3.1]
                             Write every published story as an IPTC ninjs item (default 3.1), one file each
  restore DIR                Load what gazette export wrote into a site without content (a new GAZETTE_DATA or an
                             empty database): every checksum checked first; all or nothing
  migrate                    Apply pending database migrations
  seed-demo                  Add the demo newsroom to an empty database
${USER_USAGE}
${MEDIA_USAGE}
${NEWSLETTER_USAGE}
  backup FILE                Write a consistent copy of the SQLite database to FILE, safe while the server runs
                             (PostgreSQL: use pg_dump; media: copy GAZETTE_DATA/media; see docs/operations.md)
  help                       Show this help

Environment: PORT, HOST, GAZETTE_DATA (default ./data), DATABASE_URL (postgres://…; SQLite in GAZETTE_DATA when unset),
             GAZETTE_MEDIA_URL (s3://BUCKET…; the folder GAZETTE_DATA/media when unset), GAZETTE_MEDIA_PUBLIC_URL,
             GAZETTE_CONFIG, GAZETTE_SITE_NAME, GAZETTE_BASE_URL, GAZETTE_DEMO=0|1, GAZETTE_SMTP_URL, GAZETTE_TRUST_PROXY,
             GAZETTE_NEWSLETTER_WEBHOOK_SECRET
             (each explained in the README's configuration table)
`;

/** A mistake in the command line (exit code 2). */
export class UsageError extends Error {}

/** A mistake in a `gazette newsletter` command line (exit code 2; the newsletter commands' help follows). */
export class NewsletterUsageError extends UsageError {}
