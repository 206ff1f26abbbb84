/** What the advertising tests share: an ad server's setting (Google Ad Manager, network 1234). */
export const TEST_AD_SERVER = {
  kind: "gam" as const,
  networkCode: "1234",
  adUnits: {
    top: "/1234/gazette/top",
    body: "/1234/gazette/body",
    rail: "/1234/gazette/rail",
    list: "/1234/gazette/list",
  },
};
