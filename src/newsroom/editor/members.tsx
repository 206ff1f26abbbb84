/**
 * Members (editors and admins): readers with their subscriptions and grants,
 * search and filters, counts by plan and monthly revenue, the CSV export;
 * admins also give and end grants, and keep plans and institutions.
 */
import { useEffect, useState } from "preact/hooks";
import { ApiError, type Me, api } from "./api.ts";
import { when } from "./format.ts";

interface Plan {
  slug: string;
  name: string;
  description: string;
  priceMinor: number;
  currency: string;
  interval: "month" | "year";
  stripePriceId: string | null;
  active: boolean;
  position: number;
}
interface Subscription {
  id: string;
  planSlug: string | null;
  status: string;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
}
interface Grant {
  id: number;
  kind: string;
  planSlug: string | null;
  note: string;
  expiresAt: string | null;
  revokedAt: string | null;
}
interface Member {
  readerId: number;
  email: string;
  displayName: string;
  createdAt: string;
  verified: boolean;
  subscriptions: Subscription[];
  grants: Grant[];
}
interface Summary {
  byPlan: { planSlug: string | null; status: string; count: number }[];
  mrr: { currency: string; amountMinor: number }[];
  activeGrants: number;
  readers: number;
  plans: Plan[];
  payments: "stripe" | "off";
}
interface Institution {
  id: number;
  name: string;
  emailDomains: string[];
  ipRanges: string[];
  planSlug: string | null;
  active: boolean;
}

const FILTERS = [
  ["all", "Everyone"],
  ["subscribers", "Subscribers"],
  ["past_due", "Payment overdue"],
  ["grants", "Given access"],
  ["free", "Free accounts"],
] as const;

function money(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() }).format(
      minor / 100,
    );
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

const message = (err: unknown, fallback: string) =>
  err instanceof ApiError
    ? `${err.message} ${err.fields.map((f) => `${f.path}: ${f.message}`).join("; ")}`
    : fallback;

export function MembersPage({ me }: { me: Me }) {
  const admin = me.permissions.includes("memberships.manage");
  const [summary, setSummary] = useState<Summary | undefined>();
  const [members, setMembers] = useState<Member[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [q, setQ] = useState("");
  const [filter, setFilter] = useState<string>("all");
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState("");
  const planName = (slug: string | null) =>
    slug === null ? "Every plan" : (summary?.plans.find((p) => p.slug === slug)?.name ?? slug);

  const loadSummary = () => void api<Summary>("GET", "/api/admin/memberships/summary").then(setSummary);
  const loadMembers = () => {
    const params = new URLSearchParams({ filter, page: String(page), ...(q ? { q } : {}) });
    void api<{ members: Member[]; hasMore: boolean }>("GET", `/api/admin/memberships/members?${params}`).then(
      (r) => {
        setMembers(r.members);
        setHasMore(r.hasMore);
      },
    );
  };
  useEffect(loadSummary, []);
  useEffect(loadMembers, [filter, page]);

  const grant = async (m: Member, form: HTMLFormElement) => {
    const data = new FormData(form);
    const plan = String(data.get("plan") ?? "");
    const until = String(data.get("until") ?? "");
    try {
      await api("POST", "/api/admin/memberships/grants", {
        readerId: m.readerId,
        kind: String(data.get("kind")),
        planSlug: plan === "" ? null : plan,
        note: String(data.get("note") ?? ""),
        expiresAt: until ? new Date(`${until}T23:59:59`).toISOString() : null,
      });
      setStatus(`Gave ${m.email} access.`);
      loadMembers();
      loadSummary();
    } catch (err) {
      setStatus(message(err, "Could not give access."));
    }
  };
  const endGrant = async (m: Member, g: Grant) => {
    try {
      await api("DELETE", `/api/admin/memberships/grants/${g.id}`);
      setStatus(`Ended ${m.email}'s ${g.kind} access.`);
      loadMembers();
      loadSummary();
    } catch (err) {
      setStatus(message(err, "Could not end it."));
    }
  };

  const csv = `/admin/memberships/members.csv?${new URLSearchParams({ filter, ...(q ? { q } : {}) })}`;
  return (
    <section class="members">
      <h1>Members</h1>
      {summary ? (
        <dl class="member-figures">
          <div>
            <dt>Monthly revenue</dt>
            <dd>
              {summary.mrr.length
                ? summary.mrr.map((m) => money(m.amountMinor, m.currency)).join(" + ")
                : "—"}
            </dd>
          </div>
          <div>
            <dt>Paying subscribers</dt>
            <dd>
              {summary.byPlan
                .filter((b) => ["active", "trialing", "past_due"].includes(b.status))
                .reduce((n, b) => n + b.count, 0)}
            </dd>
          </div>
          <div>
            <dt>Given access</dt>
            <dd>{summary.activeGrants}</dd>
          </div>
          <div>
            <dt>Reader accounts</dt>
            <dd>{summary.readers}</dd>
          </div>
        </dl>
      ) : null}
      {summary && summary.byPlan.length ? (
        <table class="stories by-plan">
          <caption>Subscriptions by plan</caption>
          <thead>
            <tr>
              <th scope="col">Plan</th>
              <th scope="col">Status</th>
              <th scope="col">Count</th>
            </tr>
          </thead>
          <tbody>
            {summary.byPlan.map((b) => (
              <tr>
                <td>{planName(b.planSlug)}</td>
                <td>{b.status.replace("_", " ")}</td>
                <td>{b.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {summary?.payments === "off" ? (
        <p class="hint">
          Payments are off: set GAZETTE_STRIPE_SECRET_KEY and GAZETTE_STRIPE_WEBHOOK_SECRET to sell plans
          online.
        </p>
      ) : null}

      <form
        class="member-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (page !== 1) setPage(1);
          else loadMembers();
        }}
      >
        <label class="field">
          <span>Email or name</span>
          <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Show</span>
          <select
            value={filter}
            onChange={(e) => {
              setFilter(e.currentTarget.value);
              setPage(1);
            }}
          >
            {FILTERS.map(([v, label]) => (
              <option value={v}>{label}</option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
        {admin ? (
          <a class="button" href={csv} download>
            Export CSV
          </a>
        ) : null}
      </form>
      <p role="status">{status}</p>
      <table class="stories member-list">
        <caption class="visually-hidden">Readers</caption>
        <thead>
          <tr>
            <th scope="col">Reader</th>
            <th scope="col">Joined</th>
            <th scope="col">Subscription</th>
            <th scope="col">Access given</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr>
              <td>
                <strong>{m.displayName}</strong>
                <br />
                {m.email}
                {m.verified ? "" : " (not confirmed)"}
              </td>
              <td>{when(m.createdAt)}</td>
              <td>
                {m.subscriptions.length
                  ? m.subscriptions.map((s) => (
                      <p>
                        {planName(s.planSlug)}: {s.status.replace("_", " ")}
                        {s.currentPeriodEnd
                          ? `, ${s.cancelAtPeriodEnd ? "ends" : "renews"} ${when(s.currentPeriodEnd)}`
                          : ""}
                      </p>
                    ))
                  : "Free account"}
              </td>
              <td>
                {m.grants
                  .filter((g) => !g.revokedAt)
                  .map((g) => (
                    <p>
                      {g.kind}, {planName(g.planSlug)}
                      {g.expiresAt ? ` until ${when(g.expiresAt)}` : ""}
                      {g.note ? ` (${g.note})` : ""}{" "}
                      {admin ? (
                        <button type="button" onClick={() => void endGrant(m, g)}>
                          End
                        </button>
                      ) : null}
                    </p>
                  ))}
                {admin ? (
                  <details>
                    <summary>Give access</summary>
                    <form
                      class="grant-form"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void grant(m, e.currentTarget);
                      }}
                    >
                      <label class="field">
                        <span>Kind</span>
                        <select name="kind">
                          <option value="complimentary">Complimentary</option>
                          <option value="staff">Staff</option>
                          <option value="partner">Partner</option>
                        </select>
                      </label>
                      <label class="field">
                        <span>Plan</span>
                        <select name="plan">
                          <option value="">Every plan</option>
                          {summary?.plans.map((p) => (
                            <option value={p.slug}>{p.name}</option>
                          ))}
                        </select>
                      </label>
                      <label class="field">
                        <span>Until (empty: for good)</span>
                        <input type="date" name="until" />
                      </label>
                      <label class="field">
                        <span>Note</span>
                        <input name="note" maxLength={500} />
                      </label>
                      <button type="submit">Give access</button>
                    </form>
                  </details>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!members.length ? <p>No reader matches.</p> : null}
      <nav class="pager" aria-label="Pages of readers">
        {page > 1 ? (
          <button type="button" onClick={() => setPage(page - 1)}>
            Newer
          </button>
        ) : null}
        {hasMore ? (
          <button type="button" onClick={() => setPage(page + 1)}>
            Older
          </button>
        ) : null}
      </nav>
      {admin ? <PlansPanel plans={summary?.plans ?? []} onSaved={loadSummary} setStatus={setStatus} /> : null}
      {admin ? <InstitutionsPanel plans={summary?.plans ?? []} setStatus={setStatus} /> : null}
    </section>
  );
}

function PlansPanel({
  plans,
  onSaved,
  setStatus,
}: {
  plans: Plan[];
  onSaved: () => void;
  setStatus: (s: string) => void;
}) {
  const save = async (form: HTMLFormElement) => {
    const d = new FormData(form);
    const slug = String(d.get("slug") ?? "").trim();
    try {
      await api("PUT", `/api/admin/memberships/plans/${encodeURIComponent(slug)}`, {
        name: String(d.get("name") ?? ""),
        description: String(d.get("description") ?? ""),
        priceMinor: Math.round(Number(d.get("price")) * 100),
        currency: String(d.get("currency") ?? ""),
        interval: String(d.get("interval")),
        stripePriceId: String(d.get("stripePriceId") ?? "").trim() || null,
        active: d.get("active") === "on",
      });
      setStatus(`Saved the plan ${slug}.`);
      form.reset();
      onSaved();
    } catch (err) {
      setStatus(message(err, "Could not save the plan."));
    }
  };
  return (
    <section class="panel plans-panel" aria-labelledby="plans-h">
      <h2 id="plans-h">Plans</h2>
      <ul>
        {plans.map((p) => (
          <li>
            <strong>{p.name}</strong> ({p.slug}): {money(p.priceMinor, p.currency)} a {p.interval}
            {p.stripePriceId ? `, on sale (${p.stripePriceId})` : ", not on sale online"}
            {p.active ? "" : ", inactive"}
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(e.currentTarget);
        }}
      >
        <h3>Add or change a plan</h3>
        <label class="field">
          <span>Short name (its slug; an existing one is changed)</span>
          <input name="slug" required pattern="[a-z0-9]+(-[a-z0-9]+)*" />
        </label>
        <label class="field">
          <span>Name</span>
          <input name="name" required maxLength={200} />
        </label>
        <label class="field">
          <span>Description</span>
          <input name="description" maxLength={2000} />
        </label>
        <label class="field">
          <span>Price</span>
          <input name="price" type="number" min="0" step="0.01" required />
        </label>
        <label class="field">
          <span>Currency (ISO code)</span>
          <input name="currency" required pattern="[A-Za-z]{3}" value="eur" />
        </label>
        <label class="field">
          <span>Every</span>
          <select name="interval">
            <option value="month">month</option>
            <option value="year">year</option>
          </select>
        </label>
        <label class="field">
          <span>Stripe Price id (price_…; empty: not on sale online)</span>
          <input name="stripePriceId" />
        </label>
        <label>
          <input type="checkbox" name="active" checked /> Active
        </label>
        <button type="submit">Save plan</button>
      </form>
    </section>
  );
}

function InstitutionsPanel({ plans, setStatus }: { plans: Plan[]; setStatus: (s: string) => void }) {
  const [list, setList] = useState<Institution[]>([]);
  const load = () =>
    void api<{ institutions: Institution[] }>("GET", "/api/admin/memberships/institutions").then((r) =>
      setList(r.institutions),
    );
  useEffect(load, []);
  const lines = (v: FormDataEntryValue | null) =>
    String(v ?? "")
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
  const add = async (form: HTMLFormElement) => {
    const d = new FormData(form);
    const plan = String(d.get("plan") ?? "");
    try {
      await api("POST", "/api/admin/memberships/institutions", {
        name: String(d.get("name") ?? ""),
        emailDomains: lines(d.get("domains")),
        ipRanges: lines(d.get("ranges")),
        planSlug: plan === "" ? null : plan,
        active: true,
      });
      setStatus(`Added ${String(d.get("name"))}.`);
      form.reset();
      load();
    } catch (err) {
      setStatus(message(err, "Could not add the institution."));
    }
  };
  const remove = async (i: Institution) => {
    try {
      await api("DELETE", `/api/admin/memberships/institutions/${i.id}`);
      setStatus(`Removed ${i.name}.`);
      load();
    } catch (err) {
      setStatus(message(err, "Could not remove it."));
    }
  };
  return (
    <section class="panel institutions-panel" aria-labelledby="inst-h">
      <h2 id="inst-h">Institutions</h2>
      <ul>
        {list.map((i) => (
          <li>
            <strong>{i.name}</strong>: {i.emailDomains.join(", ") || "no email domain"};{" "}
            {i.ipRanges.length ? `${i.ipRanges.length} IP ranges` : "no network"} —{" "}
            {i.planSlug ?? "every plan"}{" "}
            <button type="button" onClick={() => void remove(i)}>
              Remove {i.name}
            </button>
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void add(e.currentTarget);
        }}
      >
        <h3>Add an institution</h3>
        <label class="field">
          <span>Name</span>
          <input name="name" required maxLength={200} />
        </label>
        <label class="field">
          <span>Email domains (readers who confirmed an address there)</span>
          <input name="domains" placeholder="library.example, school.example" />
        </label>
        <label class="field">
          <span>IP ranges (CIDR, one per line)</span>
          <textarea name="ranges" rows={3} placeholder="192.0.2.0/24" />
        </label>
        <label class="field">
          <span>Plan</span>
          <select name="plan">
            <option value="">Every plan</option>
            {plans.map((p) => (
              <option value={p.slug}>{p.name}</option>
            ))}
          </select>
        </label>
        <button type="submit">Add institution</button>
      </form>
    </section>
  );
}
