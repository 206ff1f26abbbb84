/**
 * The newsroom's HTTP surface: the admin API (the endpoint lists in
 * endpoints/), signed previews, and the editor app at /admin (built by Vite
 * into dist/admin).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Config } from "../config.ts";
import { GazetteError } from "../content/errors.ts";
import type { MediaStore } from "../media/media-store.ts";
import { articleInputs } from "../site/article-data.ts";
import { articleView, renderArticle } from "../site/article-page.ts";
import type { Shell } from "../site/layout.ts";
import type { Db } from "../store/database.ts";
import { storyById } from "../store/story-store.ts";
import { type Endpoint, asset, endpoint, idParam, redirect } from "../web/endpoint.ts";
import { accountEndpoints } from "./endpoints/account-endpoints.ts";
import { mediaEndpoints } from "./endpoints/media-endpoints.ts";
import { previewEndpoints } from "./endpoints/preview-endpoints.ts";
import { settingsEndpoints } from "./endpoints/settings-endpoints.ts";
import { storyEndpoints } from "./endpoints/story-endpoints.ts";
import { deskEndpoints } from "./endpoints/desk-endpoints.ts";
import type { Mailer } from "../mail/mailer.ts";
import { taxonomyEndpoints } from "./endpoints/taxonomy-endpoints.ts";
import { wireEndpoints } from "./endpoints/wire-endpoints.ts";
import { checkPreview } from "./preview.ts";
import { importEndpoints } from "./endpoints/import-endpoints.ts";
import type { ImportJobs } from "./import-jobs.ts";

export interface NewsroomDeps {
  config: Config;
  db: Db;
  media: MediaStore;
  /** The site's page shell (previews render as readers will see them). */
  shell: () => Promise<Shell>;
  /** Re-reads the stored site settings into the running configuration (this process). */
  reloadSettings?: () => Promise<void>;
  /** Notices by email to newsroom users who asked for them. */
  mailer?: Mailer | undefined;
  /** Imports started from the newsroom (absent: the import endpoints are not served). */
  imports?: ImportJobs | undefined;
}

/** Where `npm run build:editor` puts the editor. */
export const EDITOR_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/admin");

/** Every admin API endpoint. */
export function adminEndpoints(deps: NewsroomDeps): Endpoint[] {
  return [
    ...accountEndpoints(deps),
    ...storyEndpoints(deps),
    ...deskEndpoints(deps),
    ...previewEndpoints(deps),
    ...mediaEndpoints(deps.db, deps.media, deps.config),
    ...taxonomyEndpoints(deps.db),
    ...settingsEndpoints(deps),
    ...wireEndpoints({
      db: deps.db,
      media: deps.media,
      maxPushBytes: deps.config.wire.maxPushMegabytes * 1024 * 1024,
    }),
    ...(deps.imports
      ? importEndpoints({ db: deps.db, imports: deps.imports, maxImportMb: deps.config.newsroom.maxImportMb })
      : []),
  ];
}

const ASSET_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** The admin API, the preview page and the editor app. */
export function newsroomEndpoints(deps: NewsroomDeps): Endpoint[] {
  const { db, config } = deps;
  const indexFile = path.join(EDITOR_DIST, "index.html");
  const editorPage = () =>
    fs.existsSync(indexFile)
      ? asset(fs.readFileSync(indexFile), "text/html; charset=utf-8", "no-store")
      : asset(
          "The newsroom editor has not been built. Run `npm run build:editor` (npm start does it for you).",
          "text/plain; charset=utf-8",
          "no-store",
          { status: 503 },
        );

  return [
    ...adminEndpoints(deps),
    endpoint({
      method: "GET",
      path: "/preview/:id",
      access: "anyone",
      responds: "html",
      tag: "Previews",
      summary: "A story as readers will see it, from a signed, expiring preview link (no account needed)",
      params: z.object({ id: idParam.shape.id }).catch({ id: 0 }),
      query: z
        .object({ expires: z.coerce.number().int().positive(), sig: z.string().min(10).max(100) })
        .catch({ expires: 0, sig: "" }),
      handler: async ({ params, query }) => {
        if (!params.id || !(await checkPreview(db, params.id, query.expires, query.sig)))
          throw new GazetteError("GZ_ERR_PREVIEW_LINK");
        const story = await storyById(db, params.id);
        if (!story) throw new GazetteError("GZ_ERR_STORY_NOT_FOUND");
        // Once readers can see it, the story is read at its address, where its access applies
        // (a preview link is not a way round a paywall).
        const now = new Date().toISOString();
        if (
          story.status === "published" &&
          story.firstPublishedAt &&
          story.firstPublishedAt <= now &&
          (!story.embargoUntil || story.embargoUntil <= now)
        )
          return redirect(story.path, 303);
        const { inputs } = await articleInputs(db, story);
        const view = articleView(
          { ...inputs, preview: { expiresAt: new Date(query.expires * 1000).toISOString() } },
          config.site,
          config.ads,
        );
        return asset(
          renderArticle(view, await deps.shell(), config.ads),
          "text/html; charset=utf-8",
          "private, no-store",
          {
            headers: { "x-robots-tag": "noindex" },
          },
        );
      },
    }),
    endpoint({
      method: "GET",
      path: "/admin",
      access: "anyone",
      responds: "html",
      tag: "Newsroom editor",
      summary: "The newsroom editor app (it routes on the client and signs in through the admin API)",
      handler: async () => editorPage(),
    }),
    endpoint({
      method: "GET",
      path: "/admin/*",
      access: "anyone",
      responds: "asset",
      tag: "Newsroom editor",
      summary: "The editor's pages (the app) and its built assets (immutable)",
      params: z.object({ "*": z.string().max(300) }),
      handler: async ({ params }) => {
        const rel = params["*"];
        if (!rel.startsWith("assets/")) return editorPage();
        const file = path.resolve(EDITOR_DIST, rel);
        // Only a file inside the build: not the folder itself, a subfolder, or anything outside.
        if (
          !file.startsWith(EDITOR_DIST + path.sep) ||
          !fs.statSync(file, { throwIfNoEntry: false })?.isFile()
        )
          throw new GazetteError("GZ_ERR_NOT_FOUND");
        return asset(
          fs.readFileSync(file),
          ASSET_TYPES[path.extname(file)] ?? "application/octet-stream",
          "public, max-age=31536000, immutable",
        );
      },
    }),
  ];
}
