/**
 * The ad server's tag (Google Ad Manager through GPT), loaded only on sites
 * that configure one, and only after consent where the site requires it:
 * Gazette's own notice ("Accept" and "Reject", equally prominent; the choice
 * kept in a first-party cookie), or an IAB TCF v2.2 platform's signal. It
 * defines a slot for each ad slot Gazette's own campaigns left to house ads,
 * with the slot's sizes and its kind's ad unit, lazy-loaded; when the ad
 * server fills one, its ad replaces the house ad inside the same reserved
 * box (nothing moves); when it does not, the house ad stays.
 */
interface AdTagConfig {
  gpt: string;
  adUnits: Record<string, string>;
  consent: { required: boolean; cmp?: string };
}

interface Slot {
  getSlotElementId(): string;
}
interface PubAds {
  enableLazyLoad(o: object): void;
  setPrivacySettings(o: object): void;
  addEventListener(name: string, cb: (e: { slot: Slot; isEmpty: boolean }) => void): void;
}
interface GoogleTag {
  cmd: (() => void)[];
  pubads(): PubAds;
  defineSlot(unit: string, sizes: number[][], id: string): { addService(p: PubAds): unknown } | null;
  enableServices(): void;
  display(id: string): void;
}
type TcData = {
  gdprApplies?: boolean;
  eventStatus?: string;
  purpose?: { consents?: Record<string, boolean> };
};
declare global {
  interface Window {
    googletag?: GoogleTag;
    __tcfapi?: (cmd: string, version: number, cb: (data: TcData, ok: boolean) => void) => void;
  }
}

const CONSENT = "gz_consent";
const configEl = document.getElementById("gz-ad-tag");
const config = configEl ? (JSON.parse(configEl.textContent ?? "{}") as AdTagConfig) : undefined;

function storedChoice(): "granted" | "denied" | undefined {
  const m = new RegExp(`(?:^|; )${CONSENT}=(granted|denied)`).exec(document.cookie);
  return m ? (m[1] as "granted" | "denied") : undefined;
}

function store(choice: "granted" | "denied"): void {
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = `${CONSENT}=${choice}; path=/; max-age=${180 * 86400}; samesite=lax${secure}`;
}

let loaded = false;
function loadTag(): void {
  if (loaded || !config) return;
  loaded = true;
  // Only the slots no direct-sold campaign of ours took.
  const slots = [...document.querySelectorAll<HTMLElement>(".ad[data-ad-slot]:not([data-ad-creative])")];
  if (!slots.length) return;
  const gt: GoogleTag = (window.googletag ??= { cmd: [] } as unknown as GoogleTag);
  const script = document.createElement("script");
  script.src = config.gpt;
  script.async = true;
  document.head.appendChild(script);
  gt.cmd.push(() => {
    // GPT's API, as it is once its script has run (it may have replaced the queue object).
    const g = window.googletag!;
    const pubads = g.pubads();
    const ids: string[] = [];
    for (const el of slots) {
      const kind = [...el.classList].find((c) => c.startsWith("ad--"))?.slice(4) ?? "";
      const unit = config.adUnits[kind];
      if (!unit) continue;
      const sizes = (el.dataset["adSizes"] ?? "").split(",").map((s) => s.split("x").map(Number));
      const box = document.createElement("div");
      box.id = `gpt-${el.dataset["adSlot"]}`;
      box.className = "ad-server";
      el.appendChild(box);
      g.defineSlot(unit, sizes, box.id)?.addService(pubads);
      ids.push(box.id);
    }
    pubads.enableLazyLoad({ fetchMarginPercent: 100, renderMarginPercent: 50, mobileScaling: 2 });
    pubads.addEventListener("slotRenderEnded", (e) => {
      // Filled: the ad server's ad takes the house ad's place in the reserved box. Empty: the house ad stays.
      if (!e.isEmpty)
        document.getElementById(e.slot.getSlotElementId())?.closest(".ad")?.classList.add("ad--served");
    });
    g.enableServices();
    for (const id of ids) g.display(id);
  });
}

function notice(): void {
  const box = document.createElement("section");
  box.className = "consent";
  box.setAttribute("aria-labelledby", "consent-h");
  box.innerHTML =
    '<h2 id="consent-h">Advertising and your privacy</h2>' +
    "<p>Ads from our own advertisers never track you. With your permission, our advertising partner may also show ads chosen with cookies and what it knows about you. You can change your mind at any time from the link at the foot of each page.</p>" +
    '<div class="consent-actions"><button type="button" data-choice="granted">Accept</button><button type="button" data-choice="denied">Reject</button></div>';
  box.addEventListener("click", (e) => {
    const choice = (e.target as HTMLElement).closest("button")?.dataset["choice"];
    if (choice !== "granted" && choice !== "denied") return;
    store(choice);
    box.remove();
    if (choice === "granted") loadTag();
  });
  document.body.appendChild(box);
}

function choicesLink(): void {
  const list = document.querySelector(".site-footer ul");
  if (!list) return;
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button";
  button.textContent = "Privacy choices";
  button.addEventListener("click", () => {
    if (!document.querySelector(".consent")) notice();
    document.querySelector<HTMLButtonElement>(".consent button")?.focus();
  });
  item.appendChild(button);
  list.appendChild(item);
}

function withTcf(cmp: string): void {
  const script = document.createElement("script");
  script.src = cmp;
  script.async = true;
  script.addEventListener("load", () => {
    window.__tcfapi?.("addEventListener", 2, (data, ok) => {
      if (!ok || (data.eventStatus !== "tcloaded" && data.eventStatus !== "useractioncomplete")) return;
      const c = data.purpose?.consents ?? {};
      // Storage (1), personalised ads profile (3) and selection (4): all three, or no tag.
      if (data.gdprApplies === false || (c["1"] && c["3"] && c["4"])) loadTag();
    });
  });
  document.head.appendChild(script);
}

if (config) {
  if (!config.consent.required) loadTag();
  else if (config.consent.cmp) withTcf(config.consent.cmp);
  else {
    choicesLink();
    const choice = storedChoice();
    if (choice === "granted") loadTag();
    else if (!choice) notice();
  }
}

export {};
