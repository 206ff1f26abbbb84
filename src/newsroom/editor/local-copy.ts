/**
 * The editor's safety net: every change is written to this browser's
 * localStorage at once, and removed only when the server confirms a save.
 * A closed tab, a lost connection or a conflict never loses text.
 */
import type { StoryContent } from "./api.ts";

export interface LocalCopy {
  baseRevision: number;
  content: StoryContent;
  at: string;
}

const key = (id: number) => `gazette:story:${id}`;

export function readLocal(id: number): LocalCopy | undefined {
  try {
    const raw = localStorage.getItem(key(id));
    return raw ? (JSON.parse(raw) as LocalCopy) : undefined;
  } catch {
    return undefined;
  }
}

export function writeLocal(id: number, copy: LocalCopy): void {
  try {
    localStorage.setItem(key(id), JSON.stringify(copy));
  } catch {
    // Storage full or disabled: the server save is still attempted.
  }
}

export function clearLocal(id: number): void {
  try {
    localStorage.removeItem(key(id));
  } catch {
    /* nothing to do */
  }
}

/** Key order and absent-versus-undefined do not matter; everything else does. */
function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, stable(x)]),
    );
  return v;
}

export function sameContent(a: StoryContent, b: StoryContent): boolean {
  return JSON.stringify(stable(a)) === JSON.stringify(stable(b));
}
