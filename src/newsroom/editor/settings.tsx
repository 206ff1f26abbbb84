/** Settings (admins only): the site's name and tagline, time zone, ad placement rules, sections. */
import { useEffect, useState } from "preact/hooks";
import { ApiError, type Section, api } from "./api.ts";

interface Effective {
  name: string;
  tagline: string;
  timeZone: string;
  ads: {
    enabled: boolean;
    top: boolean;
    firstAfterParagraph: number;
    everyParagraphs: number;
    maxPerStory: number;
    minParagraphs: number;
  };
}

function NumberField({
  label,
  value,
  onInput,
  hint,
}: {
  label: string;
  value: number;
  onInput: (n: number) => void;
  hint?: string;
}) {
  return (
    <label class="field">
      <span>{label}</span>
      <input type="number" min={0} value={value} onInput={(e) => onInput(Number(e.currentTarget.value))} />
      {hint ? <small class="sub">{hint}</small> : null}
    </label>
  );
}

export function SettingsPage() {
  const [s, setS] = useState<Effective | null>(null);
  const [status, setStatus] = useState("");
  const [sections, setSections] = useState<Section[]>([]);
  const [newSection, setNewSection] = useState({ slug: "", name: "" });
  const loadSections = () =>
    void api<{ items: Section[] }>("GET", "/api/admin/sections").then((r) => setSections(r.items));
  useEffect(() => {
    void api<{ effective: Effective }>("GET", "/api/admin/settings").then((r) => setS(r.effective));
    loadSections();
  }, []);
  if (!s) return <p role="status">Loading settings…</p>;
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await api<{ effective: Effective }>("PATCH", "/api/admin/settings", s);
      setS(r.effective);
      setStatus("Saved. Every page shows the change now.");
    } catch (err) {
      setStatus(
        err instanceof ApiError
          ? `${err.message} ${err.fields.map((f) => `${f.path}: ${f.message}`).join("; ")}`
          : "Could not save.",
      );
    }
  };
  const ads = (patch: Partial<Effective["ads"]>) => setS({ ...s, ads: { ...s.ads, ...patch } });
  const addSection = async (e: Event) => {
    e.preventDefault();
    try {
      await api("PUT", "/api/admin/sections", newSection);
      setNewSection({ slug: "", name: "" });
      setStatus(`Section “${newSection.name}” saved.`);
      loadSections();
    } catch (err) {
      setStatus(
        err instanceof ApiError
          ? `${err.message} ${err.fields.map((f) => `${f.path}: ${f.message}`).join("; ")}`
          : "Could not save the section.",
      );
    }
  };
  return (
    <section class="settings-page">
      <h1>Settings</h1>
      <p role="status">{status}</p>
      <form onSubmit={save} class="settings-form">
        <fieldset>
          <legend>The site</legend>
          <label class="field">
            <span>Name</span>
            <input required value={s.name} onInput={(e) => setS({ ...s, name: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>Tagline</span>
            <input value={s.tagline} onInput={(e) => setS({ ...s, tagline: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>Time zone for dates readers see (IANA name, e.g. Europe/Lisbon)</span>
            <input value={s.timeZone} onInput={(e) => setS({ ...s, timeZone: e.currentTarget.value })} />
          </label>
        </fieldset>
        <fieldset>
          <legend>Advertising</legend>
          <label>
            <input
              type="checkbox"
              checked={s.ads.enabled}
              onChange={(e) => ads({ enabled: e.currentTarget.checked })}
            />{" "}
            Show ads
          </label>{" "}
          <label>
            <input
              type="checkbox"
              checked={s.ads.top}
              onChange={(e) => ads({ top: e.currentTarget.checked })}
            />{" "}
            A banner above stories
          </label>
          <NumberField
            label="First ad after paragraph"
            value={s.ads.firstAfterParagraph}
            onInput={(n) => ads({ firstAfterParagraph: n })}
          />
          <NumberField
            label="Then one every … paragraphs"
            value={s.ads.everyParagraphs}
            onInput={(n) => ads({ everyParagraphs: n })}
          />
          <NumberField
            label="At most … ads in a story"
            value={s.ads.maxPerStory}
            onInput={(n) => ads({ maxPerStory: n })}
          />
          <NumberField
            label="No ads in stories shorter than … paragraphs"
            value={s.ads.minParagraphs}
            onInput={(n) => ads({ minParagraphs: n })}
            hint="Ad sizes are set in the configuration file: they decide the space reserved on the page."
          />
        </fieldset>
        <button type="submit" class="primary">
          Save settings
        </button>
      </form>
      <h2>Sections</h2>
      <ul class="plain">
        {sections.map((x) => (
          <li>
            {x.name} <span class="sub">/{x.slug}</span>
          </li>
        ))}
      </ul>
      <form onSubmit={addSection} class="settings-form">
        <fieldset>
          <legend>Add or rename a section</legend>
          <label class="field">
            <span>Address (lower-case letters, digits, hyphens)</span>
            <input
              required
              pattern="[a-z0-9]+(-[a-z0-9]+)*"
              value={newSection.slug}
              onInput={(e) => setNewSection({ ...newSection, slug: e.currentTarget.value })}
            />
          </label>
          <label class="field">
            <span>Name</span>
            <input
              required
              value={newSection.name}
              onInput={(e) => setNewSection({ ...newSection, name: e.currentTarget.value })}
            />
          </label>
          <button type="submit">Save section</button>
        </fieldset>
      </form>
    </section>
  );
}
