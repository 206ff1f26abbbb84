export * from "./model.ts";
export * from "./duration.ts";
export * from "./text.ts";
export * from "./reading-time.ts";
export * from "./slug.ts";
export * from "./ad-placement.ts";
export * from "./workflow.ts";
export * from "./story-diff.ts";
