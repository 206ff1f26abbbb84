/**
 * The reader-facing side of advertising: the click redirect (counts, then
 * forwards to the creative's own address — never to an address the URL
 * names, so it is no open redirect), and /ads.txt and /app-ads.txt as the
 * admins saved them.
 */
import { z } from "zod";
import { GazetteError } from "../content/errors.ts";
import type { Db } from "../store/database.ts";
import { type AdsTxtFile, creativeTarget, readAdsTxt } from "../store/ad-store.ts";
import { cacheKey } from "../store/cache-keys.ts";
import { type Endpoint, cached, endpoint, idParam, redirect } from "../web/endpoint.ts";
import { stringifySetCookie } from "cookie";
import { type AdServer, CAP_COOKIE, isBotRequest } from "./ad-server.ts";

const beaconBody = z.object({ v: z.array(z.number().int().positive()).min(1).max(20) }).strict();

function parseJson(body: unknown): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(body) ? body.toString("utf8") : "");
  } catch {
    return undefined;
  }
}

export interface AdEndpointDeps {
  db: Db;
  adServer: AdServer;
}

export function adEndpoints(deps: AdEndpointDeps): Endpoint[] {
  const { db, adServer } = deps;
  const adsTxt = (file: AdsTxtFile) =>
    endpoint({
      method: "GET",
      path: `/${file}`,
      access: "anyone",
      responds: "asset",
      tag: "Advertising",
      summary: `The site's ${file}: the sellers authorised to sell its ad space (IAB Tech Lab), as admins saved it`,
      handler: async () => {
        const text = await readAdsTxt(db, file);
        if (!text.trim()) throw new GazetteError("GZ_ERR_NOT_FOUND", `This site has no ${file}.`);
        return cached(text.endsWith("\n") ? text : `${text}\n`, [cacheKey.ads], "text/plain; charset=utf-8");
      },
    });
  return [
    endpoint({
      method: "GET",
      path: "/ad/click/:id",
      access: "anyone",
      responds: "html",
      tag: "Advertising",
      summary:
        "A click on a campaign's creative: counted (not for bots), then 302 to the creative's own address",
      params: idParam,
      handler: async ({ params, req }) => {
        const target = await creativeTarget(db, params.id);
        if (!target) throw new GazetteError("GZ_ERR_NOT_FOUND", "There is no such advertisement.");
        if (!isBotRequest(req.raw)) adServer.clicked(params.id, target.campaignId);
        return redirect(target.href, 302);
      },
    }),
    endpoint({
      method: "POST",
      path: "/ad/viewed",
      access: "anyone",
      // The viewability script's beacon (text/plain, as sendBeacon sends it); same-origin is checked.
      rawBody: { maxBytes: 2048 },
      countOnly: true,
      responds: "json",
      status: 204,
      tag: "Advertising",
      summary:
        'Viewable impressions from the page\'s own script: {"v": [creative ids]} (50 % of the ad in view for 1 s); bots and unknown creatives are not counted',
      handler: async ({ body, req, reply }) => {
        const parsed = beaconBody.safeParse(parseJson(body));
        if (!parsed.success)
          throw new GazetteError(
            "GZ_ERR_VALIDATION",
            'A beacon is {"v": [creative ids]}, at most 20 of them.',
          );
        if (isBotRequest(req.raw)) return reply.code(204).send();
        await adServer.viewed(parsed.data.v);
        // Frequency caps: today's views of capped campaigns, kept by the reader's browser, not by us.
        const caps = await adServer.capCookie(parsed.data.v, req.headers.cookie);
        if (caps !== undefined)
          reply.header(
            "set-cookie",
            stringifySetCookie({
              name: CAP_COOKIE,
              value: caps,
              path: "/",
              httpOnly: true,
              sameSite: "lax",
              secure: req.protocol === "https",
              maxAge: 2 * 86_400,
            }),
          );
        return reply.code(204).send();
      },
    }),
    adsTxt("ads.txt"),
    adsTxt("app-ads.txt"),
  ];
}
