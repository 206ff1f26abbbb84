/**
 * ads.txt and app-ads.txt (IAB Tech Lab, ads.txt 1.1): the sellers
 * authorised to sell the site's ad space. Checked line by line when an
 * admin saves it, so a typo is named by its line rather than silently
 * ignored by every buyer's crawler.
 *
 * A line is blank, a comment (`# …`), a variable (`contact=…`,
 * `subdomain=…`, `inventorypartnerdomain=…`, `ownerdomain=…`,
 * `managerdomain=…`), or a record: `domain, account id, DIRECT|RESELLER[,
 * certification authority id]`, optionally followed by `;extension` or a
 * `# comment`.
 */
const VARIABLES = new Set(["contact", "subdomain", "inventorypartnerdomain", "ownerdomain", "managerdomain"]);
const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** The problems of an ads.txt, one per line that has one: "line 3: …". Empty when it is fine. */
export function adsTxtProblems(text: string): string[] {
  const problems: string[] = [];
  if (text.length > 1_000_000) return ["the file is larger than 1 MB; split the sellers or drop stale ones"];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) return;
    const at = `line ${i + 1}`;
    const variable = /^([a-z]+)\s*=\s*(.*)$/i.exec(line);
    if (variable && !line.includes(",")) {
      if (!VARIABLES.has(variable[1]!.toLowerCase()))
        problems.push(
          `${at}: "${variable[1]}" is not an ads.txt variable (contact, subdomain, inventorypartnerdomain, ownerdomain, managerdomain)`,
        );
      else if (!variable[2]) problems.push(`${at}: ${variable[1]} has no value`);
      return;
    }
    const fields = line
      .split(";")[0]!
      .split(",")
      .map((f) => f.trim());
    if (fields.length < 3 || fields.length > 4) {
      problems.push(`${at}: a record is "domain, account id, DIRECT or RESELLER[, certification id]"`);
      return;
    }
    const [domain, account, relation, cert] = fields as [string, string, string, string | undefined];
    if (!DOMAIN.test(domain))
      problems.push(`${at}: "${domain}" is not the ad system's domain (such as google.com, no https://)`);
    else if (!account) problems.push(`${at}: the account id is missing`);
    else if (!/^(DIRECT|RESELLER)$/i.test(relation))
      problems.push(`${at}: the relationship must be DIRECT or RESELLER, not "${relation}"`);
    else if (cert !== undefined && !/^[a-z0-9]+$/i.test(cert))
      problems.push(`${at}: "${cert}" is not a certification authority id (letters and digits)`);
  });
  return problems;
}
