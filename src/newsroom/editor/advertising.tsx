/**
 * Advertising (editors read, admins change): campaigns with their delivery
 * (impressions against budget, viewable rate, clicks, CTR), pausing and
 * resuming, each campaign's CSV for its advertiser, booking a campaign with
 * its first creative, and the site's ads.txt / app-ads.txt.
 */
import { useEffect, useState } from "preact/hooks";
import { ApiError, type Me, api, upload } from "./api.ts";
import { when } from "./format.ts";

interface Creative {
  id: number;
  kind: "image" | "text";
  name: string;
  active: boolean;
}
interface Campaign {
  id: number;
  advertiserId: number;
  advertiserName: string;
  name: string;
  status: "draft" | "active" | "paused" | "archived";
  startsAt: string;
  endsAt: string | null;
  priority: number;
  weight: number;
  budgetImpressions: number | null;
  frequencyCap: number | null;
  targeting: { sections: string[]; topics: string[]; stories: number[]; positions: string[] };
  creatives: Creative[];
}
interface Report {
  totals: { impressions: number; viewable: number; clicks: number; viewableRate: number; ctr: number };
  delivered: number | null;
}
interface Advertiser {
  id: number;
  name: string;
}

const POSITIONS = [
  ["top", "Top"],
  ["body", "In the story"],
  ["rail", "Beside the story"],
  ["list", "In lists"],
] as const;
const SIZES = ["300x250", "336x280", "728x90", "320x100"];

const message = (err: unknown, fallback: string) =>
  err instanceof ApiError
    ? `${err.message} ${err.fields.map((f) => `${f.path}: ${f.message}`).join("; ")}`
    : fallback;
const pct = (n: number) => `${(n * 100).toFixed(1)} %`;
const list = (v: FormDataEntryValue | null) =>
  String(v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function AdvertisingPage({ me }: { me: Me }) {
  const admin = me.permissions.includes("ads.manage");
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [reports, setReports] = useState<Record<number, Report>>({});
  const [advertisers, setAdvertisers] = useState<Advertiser[]>([]);
  const [adsTxt, setAdsTxt] = useState({ adsTxt: "", appAdsTxt: "" });
  const [status, setStatus] = useState("");
  const [kind, setKind] = useState<"text" | "image">("text");

  const load = async () => {
    const { campaigns } = await api<{ campaigns: Campaign[] }>("GET", "/api/admin/ads/campaigns");
    setCampaigns(campaigns);
    const all = await Promise.all(
      campaigns.map(
        async (c) => [c.id, await api<Report>("GET", `/api/admin/ads/campaigns/${c.id}/report`)] as const,
      ),
    );
    setReports(Object.fromEntries(all));
    setAdvertisers(
      (await api<{ advertisers: Advertiser[] }>("GET", "/api/admin/ads/advertisers")).advertisers,
    );
    setAdsTxt(await api<{ adsTxt: string; appAdsTxt: string }>("GET", "/api/admin/ads/ads-txt"));
  };
  useEffect(() => void load(), []);

  const setStatusOf = async (c: Campaign, next: Campaign["status"]) => {
    const { id: _id, advertiserName: _a, creatives: _c, ...rest } = c;
    try {
      await api("PUT", `/api/admin/ads/campaigns/${c.id}`, { ...rest, status: next });
      setStatus(`${c.name}: ${next}.`);
      await load();
    } catch (err) {
      setStatus(message(err, "Could not change the campaign."));
    }
  };

  const book = async (form: HTMLFormElement) => {
    const d = new FormData(form);
    try {
      const [width, height] = String(d.get("size") ?? "300x250")
        .split("x")
        .map(Number);
      // A picture ad: the file goes to the media library first (a refused file books nothing).
      const file = kind === "image" ? (d.get("picture") as File | null) : null;
      const imageId =
        file && file.size
          ? (await upload<{ id: number }>("/api/admin/images", file, { alt: String(d.get("alt") ?? "") })).id
          : undefined;
      const advertiserId = Number(d.get("advertiserId"));
      const number = (name: string) => (d.get(name) ? Number(d.get(name)) : null);
      const name = String(d.get("name") ?? "");
      // One request: the advertiser (if new), the campaign and its creative are saved together or not at all.
      const { campaign } = await api<{ campaign: Campaign }>("POST", "/api/admin/ads/bookings", {
        ...(advertiserId
          ? {}
          : {
              advertiser: {
                name: String(d.get("advertiserName") ?? ""),
                contactEmail: String(d.get("contactEmail") ?? "") || null,
              },
            }),
        campaign: {
          ...(advertiserId ? { advertiserId } : {}),
          name,
          status: d.get("start") === "now" ? "active" : "draft",
          startsAt: new Date(`${String(d.get("startsAt"))}T00:00:00`).toISOString(),
          endsAt: d.get("endsAt") ? new Date(`${String(d.get("endsAt"))}T23:59:59`).toISOString() : null,
          priority: Number(d.get("priority") ?? 5),
          budgetImpressions: number("budget"),
          frequencyCap: number("cap"),
          targeting: {
            sections: list(d.get("sections")),
            topics: list(d.get("topics")),
            stories: [],
            positions: POSITIONS.map(([p]) => p).filter((p) => d.get(`position-${p}`)),
          },
        },
        creatives: [
          {
            kind,
            name: `${name}, ${kind === "image" ? `${width}×${height}` : "text"}`,
            href: String(d.get("href") ?? ""),
            ...(kind === "image"
              ? { imageId, width, height, alt: String(d.get("alt") ?? "") }
              : {
                  headline: String(d.get("headline") ?? ""),
                  body: String(d.get("body") ?? ""),
                  cta: String(d.get("cta") ?? ""),
                }),
          },
        ],
      });
      setStatus(`Booked ${campaign.name}.`);
      form.reset();
      await load();
    } catch (err) {
      setStatus(message(err, "Could not book the campaign."));
    }
  };

  const saveAdsTxt = async () => {
    try {
      setAdsTxt(await api("PUT", "/api/admin/ads/ads-txt", adsTxt));
      setStatus("Saved ads.txt and app-ads.txt.");
    } catch (err) {
      setStatus(message(err, "Could not save ads.txt."));
    }
  };

  return (
    <section class="members advertising" aria-labelledby="ads-h">
      <h1 id="ads-h">Advertising</h1>
      <p class={status ? "status" : "visually-hidden"} role="status">
        {status}
      </p>
      <table class="stories campaign-list">
        <caption>Campaigns and their delivery</caption>
        <thead>
          <tr>
            <th scope="col">Campaign</th>
            <th scope="col">Status</th>
            <th scope="col">Runs</th>
            <th scope="col">Impressions</th>
            <th scope="col">Viewable</th>
            <th scope="col">Clicks (CTR)</th>
            {admin ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {campaigns.map((c) => {
            const r = reports[c.id];
            return (
              <tr>
                <td>
                  <strong>{c.name}</strong>
                  <br />
                  <span class="hint">
                    {c.advertiserName} · priority {c.priority} · {c.creatives.length}{" "}
                    {c.creatives.length === 1 ? "creative" : "creatives"}
                  </span>
                </td>
                <td>{c.status}</td>
                <td>
                  {when(c.startsAt)} – {c.endsAt ? when(c.endsAt) : "until stopped"}
                </td>
                <td>
                  {r ? r.totals.impressions.toLocaleString("en") : "…"}
                  {c.budgetImpressions
                    ? ` of ${c.budgetImpressions.toLocaleString("en")} (${pct(r?.delivered ?? 0)})`
                    : ""}
                </td>
                <td>{r ? pct(r.totals.viewableRate) : "…"}</td>
                <td>{r ? `${r.totals.clicks.toLocaleString("en")} (${pct(r.totals.ctr)})` : "…"}</td>
                {admin ? (
                  <td class="actions">
                    {c.status === "active" ? (
                      <button type="button" onClick={() => void setStatusOf(c, "paused")}>
                        Pause
                      </button>
                    ) : (
                      <button type="button" onClick={() => void setStatusOf(c, "active")}>
                        {c.status === "draft" ? "Start" : "Resume"}
                      </button>
                    )}{" "}
                    <a href={`/admin/ads/campaigns/${c.id}/report.csv`} download>
                      Report (CSV)
                    </a>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      {campaigns.length === 0 ? <p class="hint">No campaigns yet.</p> : null}

      {admin ? (
        <form
          class="panel ads-form"
          aria-labelledby="book-h"
          onSubmit={(e) => {
            e.preventDefault();
            void book(e.currentTarget);
          }}
        >
          <h2 id="book-h">Book a campaign</h2>
          <label class="field">
            <span>Advertiser</span>
            <select name="advertiserId">
              <option value="">A new advertiser…</option>
              {advertisers.map((a) => (
                <option value={String(a.id)}>{a.name}</option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>New advertiser’s name</span>
            <input name="advertiserName" />
          </label>
          <label class="field">
            <span>Their contact email</span>
            <input name="contactEmail" type="email" />
          </label>
          <label class="field">
            <span>Campaign name</span>
            <input name="name" required />
          </label>
          <label class="field">
            <span>Starts</span>
            <input name="startsAt" type="date" required />
          </label>
          <label class="field">
            <span>Ends (empty: until stopped)</span>
            <input name="endsAt" type="date" />
          </label>
          <label class="field">
            <span>Priority (1–10; higher wins a slot)</span>
            <input name="priority" type="number" min="1" max="10" value="5" />
          </label>
          <label class="field">
            <span>Budget in impressions (empty: none)</span>
            <input name="budget" type="number" min="1" />
          </label>
          <label class="field">
            <span>Times one reader may see it a day (empty: no cap)</span>
            <input name="cap" type="number" min="1" max="100" />
          </label>
          <label class="field">
            <span>Only in these sections (short names, commas; empty: all)</span>
            <input name="sections" />
          </label>
          <label class="field">
            <span>Only on stories with these topics (short names, commas; empty: any)</span>
            <input name="topics" />
          </label>
          <fieldset>
            <legend>Slots (none ticked: all)</legend>
            {POSITIONS.map(([p, label]) => (
              <label class="check">
                <input type="checkbox" name={`position-${p}`} /> {label}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>The ad</legend>
            <label class="check">
              <input type="radio" name="kind" checked={kind === "text"} onChange={() => setKind("text")} />{" "}
              Text
            </label>
            <label class="check">
              <input type="radio" name="kind" checked={kind === "image"} onChange={() => setKind("image")} />{" "}
              Picture
            </label>
            {kind === "text" ? (
              <>
                <label class="field">
                  <span>Headline</span>
                  <input name="headline" required />
                </label>
                <label class="field">
                  <span>A line of text</span>
                  <input name="body" required />
                </label>
                <label class="field">
                  <span>Call to action</span>
                  <input name="cta" required />
                </label>
              </>
            ) : (
              <>
                <label class="field">
                  <span>Picture (made at the size below; twice that size looks sharper on phones)</span>
                  <input
                    name="picture"
                    type="file"
                    accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
                    required
                  />
                </label>
                <label class="field">
                  <span>Size</span>
                  <select name="size">
                    {SIZES.map((s) => (
                      <option value={s}>{s.replace("x", " × ")}</option>
                    ))}
                  </select>
                </label>
                <label class="field">
                  <span>Alt text (what the ad says)</span>
                  <input name="alt" required />
                </label>
              </>
            )}
            <label class="field">
              <span>Link (the advertiser’s page)</span>
              <input name="href" type="url" required />
            </label>
          </fieldset>
          <label class="check">
            <input type="checkbox" name="start" value="now" /> Start serving on its start date (otherwise a
            draft)
          </label>
          <button type="submit">Book the campaign</button>
        </form>
      ) : null}

      <section class="panel ads-form" aria-labelledby="adstxt-h">
        <h2 id="adstxt-h">ads.txt</h2>
        <p class="hint">
          The sellers allowed to sell this site’s ad space, one per line:{" "}
          <code>domain, account id, DIRECT</code> or <code>RESELLER</code>. Served at /ads.txt and
          /app-ads.txt.
        </p>
        <label class="field">
          <span>ads.txt</span>
          <textarea
            rows={6}
            value={adsTxt.adsTxt}
            readOnly={!admin}
            onInput={(e) => setAdsTxt({ ...adsTxt, adsTxt: e.currentTarget.value })}
          />
        </label>
        <label class="field">
          <span>app-ads.txt</span>
          <textarea
            rows={4}
            value={adsTxt.appAdsTxt}
            readOnly={!admin}
            onInput={(e) => setAdsTxt({ ...adsTxt, appAdsTxt: e.currentTarget.value })}
          />
        </label>
        {admin ? (
          <button type="button" onClick={() => void saveAdsTxt()}>
            Save ads.txt
          </button>
        ) : null}
      </section>
    </section>
  );
}
