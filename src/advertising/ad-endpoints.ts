/**
 * The reader-facing side of advertising: the click redirect (counts, then
 * forwards to the creative's own address — never to an address the URL
 * names, so it is no open redirect), and /ads.txt and /app-ads.txt as the
 * admins saved them.
 */
import { GazetteError } from "../content/errors.ts";
import type { Db } from "../store/database.ts";
import { type AdsTxtFile, creativeTarget, readAdsTxt } from "../store/ad-store.ts";
import { cacheKey } from "../store/cache-keys.ts";
import { type Endpoint, cached, endpoint, idParam, redirect } from "../web/endpoint.ts";
import { type AdServer, isBotRequest } from "./ad-server.ts";

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
    adsTxt("ads.txt"),
    adsTxt("app-ads.txt"),
  ];
}
