/**
 * The live desk during the live benchmark rows: adds a post to one live
 * story every second, from a process of its own (the load generator blocks
 * the bench's own), until it is stopped. Prints one line per post.
 *   node --import tsx bench/live-writer.ts <data dir> <story id>
 */
import { livePostInputSchema } from "../src/content/live.ts";
import { openDatabase } from "../src/store/database.ts";
import { addLivePost } from "../src/store/live-store.ts";

const [dataDir, id] = process.argv.slice(2);
const storyId = Number(id);
if (!dataDir || !Number.isInteger(storyId)) throw new Error("usage: live-writer.ts <data dir> <story id>");
const db = await openDatabase({ dataDir });
let n = 0;
const timer = setInterval(() => {
  n++;
  void addLivePost(
    db,
    storyId,
    livePostInputSchema.parse({
      body: [
        {
          type: "paragraph",
          content: [{ text: `Bench update ${n}: the council says the road stays closed while crews work.` }],
        },
      ],
    }),
    { status: "published", userId: null },
  ).then(() => process.stdout.write(`posted ${n}\n`));
}, 1000);
process.on("SIGTERM", () => {
  clearInterval(timer);
  void db.destroy().then(() => process.exit(0));
});
