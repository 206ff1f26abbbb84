/**
 * The newsletter benchmark's SMTP sink, in a process of its own so that it
 * takes no time from the sender it measures: a real SMTP server on
 * 127.0.0.1 that counts messages and addresses. It prints one JSON line when
 * listening ({port}), then, each time it is sent SIGUSR2 and when it ends,
 * {total, first, last, addresses, duplicates} (first and last: epoch ms).
 */
import { startSmtpSink } from "../test/smtp-sink.ts";

const sink = await startSmtpSink({ keep: false });
let first = 0;
let last = 0;
let seen = 0;
setInterval(() => {
  if (sink.total !== seen) {
    const now = Date.now();
    if (!first) first = now;
    last = now;
    seen = sink.total;
  }
}, 1).unref();
const report = () => {
  let duplicates = 0;
  for (const a of sink.perAddress.values()) if (a.copies > 1) duplicates++;
  process.stdout.write(
    `${JSON.stringify({ total: sink.total, first, last, addresses: sink.perAddress.size, duplicates })}\n`,
  );
};
process.on("SIGUSR2", report);
process.on("SIGTERM", () => {
  report();
  void sink.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
process.stdout.write(`${JSON.stringify({ port: sink.port })}\n`);
setInterval(() => undefined, 60_000);
