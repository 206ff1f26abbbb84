/**
 * Viewable impressions, in the reader's browser (the IAB/MRC display rule:
 * at least half of the ad's pixels in view for one continuous second, with
 * the page visible). Each campaign creative on the page is watched with an
 * IntersectionObserver; once it has been seen, its id goes to our own
 * origin in a beacon (`POST /ad/viewed`), batched, and it is watched no more.
 * Nothing about the reader is sent: a creative id is all the beacon holds.
 * Without this script the ads still show; only viewability goes uncounted.
 */
const VIEW_MS = 1000;
const queue: number[] = [];
let sendTimer: ReturnType<typeof setTimeout> | undefined;

function send(): void {
  sendTimer = undefined;
  if (!queue.length) return;
  const body = JSON.stringify({ v: queue.splice(0) });
  if (!navigator.sendBeacon?.("/ad/viewed", new Blob([body], { type: "text/plain" })))
    void fetch("/ad/viewed", {
      method: "POST",
      body,
      keepalive: true,
      headers: { "content-type": "text/plain" },
    });
}

function seen(id: number): void {
  queue.push(id);
  // Creatives seen together go in one beacon.
  sendTimer ??= setTimeout(send, 250);
}

const slots = [...document.querySelectorAll<HTMLElement>("[data-ad-creative]")];
if (slots.length && "IntersectionObserver" in window) {
  const timers = new Map<Element, ReturnType<typeof setTimeout>>();
  const inView = new Set<Element>();
  const start = (el: Element) => {
    if (timers.has(el) || document.visibilityState !== "visible") return;
    timers.set(
      el,
      setTimeout(() => {
        timers.delete(el);
        observer.unobserve(el);
        inView.delete(el);
        const id = Number(el.closest<HTMLElement>("[data-ad-creative]")?.dataset["adCreative"]);
        if (id > 0) seen(id);
      }, VIEW_MS),
    );
  };
  const stop = (el: Element) => {
    clearTimeout(timers.get(el));
    timers.delete(el);
  };
  const observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (e.isIntersecting && e.intersectionRatio >= 0.5) {
          inView.add(e.target);
          start(e.target);
        } else {
          inView.delete(e.target);
          stop(e.target);
        }
      }
    },
    { threshold: [0, 0.5, 1] },
  );
  for (const slot of slots) observer.observe(slot.querySelector(".ad-creative > *") ?? slot);
  // A hidden tab is not a view: the second starts again when the page is back.
  document.addEventListener("visibilitychange", () => {
    for (const el of inView) (document.visibilityState === "visible" ? start : stop)(el);
    if (document.visibilityState === "hidden") send();
  });
}
