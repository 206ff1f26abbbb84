/** Entry point of the `gazette` command (see gazette-cli.ts). */
import { main } from "./gazette-cli.ts";

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
