export * from "./database.ts";
export * from "./migrations.ts";
export * from "./story-store.ts";
export * from "./taxonomy-store.ts";
export * from "./media-repo.ts";
export * from "./page-store.ts";
export * from "./search-store.ts";
export * from "./change-feed.ts";
export type { Database } from "./schema.ts";
