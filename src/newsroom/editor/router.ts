/** A tiny router over the History API: /admin/… paths, back and forward work. */
import { useEffect, useState } from "preact/hooks";

const listeners = new Set<() => void>();
window.addEventListener("popstate", () => listeners.forEach((l) => l()));

export function navigate(href: string): void {
  if (href === location.pathname + location.search) return;
  history.pushState(null, "", href);
  listeners.forEach((l) => l());
  window.scrollTo(0, 0);
  document.getElementById("content")?.focus();
}

export function useRoute(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const l = () => setPath(location.pathname);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return path;
}

/** The path and query ("/admin?status=review"): a navigation to the same path with other filters re-renders. */
export function useLocation(): string {
  const [loc, setLoc] = useState(location.pathname + location.search);
  useEffect(() => {
    const l = () => setLoc(location.pathname + location.search);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return loc;
}
