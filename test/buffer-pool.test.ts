import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { BufferPool } from "../src/otlp/buffer-pool.ts";
import { ProtoWriter } from "../src/otlp/proto-writer.ts";
import type { Exporter, ExportRequest } from "../src/plugin-host/plugin.ts";
import { loadExample, runFast } from "./helpers/run.ts";

/** A message of `size` bytes whose content says which message it is: a string field of repeated `index`. */
function writeMessage(writer: ProtoWriter, index: number, size: number): Uint8Array {
  writer.reset();
  writer.beginMessage(1);
  writer.tag(1, 2);
  writer.string(String.fromCharCode(65 + (index % 26)).repeat(size));
  writer.endMessage();
  return writer.finish();
}

function expected(index: number, size: number): Uint8Array {
  return writeMessage(new ProtoWriter(16), index, size);
}

describe("a writer over a buffer pool", () => {
  test("lends views that stay as written until given back, across many buffers", () => {
    const pool = new BufferPool(4096);
    const writer = new ProtoWriter(4096, pool);
    const kept = Array.from({ length: 400 }, (_, i) => writeMessage(writer, i, 20 + (i * 37) % 900));
    kept.forEach((bytes, i) => expect(bytes).toEqual(expected(i, 20 + (i * 37) % 900)));
    // Nothing was given back, so nothing could be reused.
    expect(pool.allocated).toBeGreaterThan(40);
  });

  test("reuses buffers whose views came back, so a long run needs only a few", () => {
    const pool = new BufferPool(4096);
    const writer = new ProtoWriter(4096, pool);
    const inFlight: Uint8Array[] = [];
    for (let i = 0; i < 5000; i++) {
      inFlight.push(writeMessage(writer, i, 100 + (i % 7) * 50));
      // Four messages in flight at a time, each checked when it comes back, as an exporter would send it.
      if (inFlight.length > 4) {
        const back = inFlight.shift()!;
        expect(back).toEqual(expected(i - 4, 100 + ((i - 4) % 7) * 50));
        pool.giveBack(back);
      }
    }
    expect(pool.allocated).toBeLessThanOrEqual(3);
  });

  test("a message bigger than a pooled buffer gets a buffer of its own, nested lengths intact", () => {
    const pool = new BufferPool(256);
    const writer = new ProtoWriter(256, pool);
    const small = writeMessage(writer, 1, 100);
    const big = writeMessage(writer, 2, 5000);
    expect(small).toEqual(expected(1, 100));
    expect(big).toEqual(expected(2, 5000));
  });

  test("messages bigger than a pooled buffer (large batches) reuse larger buffers once those come back", () => {
    const pool = new BufferPool(4096);
    const writer = new ProtoWriter(4096, pool);
    const inFlight: Uint8Array[] = [];
    for (let i = 0; i < 500; i++) {
      const size = 5000 + (i * 7919) % 20_000;
      inFlight.push(writeMessage(writer, i, size));
      if (inFlight.length > 2) {
        const back = inFlight.shift()!;
        expect(back).toEqual(expected(i - 2, 5000 + ((i - 2) * 7919) % 20_000));
        pool.giveBack(back);
      }
    }
    // Before, a buffer larger than the usual size was never reused: 107 new ones for these 500 messages.
    expect(pool.allocated).toBeLessThan(20);
  });

  test("a string from pieces that must be joined after all (a surrogate pair cut in two) is written whole", () => {
    const pool = new BufferPool(256);
    const writer = new ProtoWriter(256, pool);
    const earlier = writeMessage(writer, 3, 150);
    const text = "é".repeat(100) + "🚀" + "a".repeat(50);
    // The pair is cut between the pieces, and the pieces outgrow what is left of the buffer.
    const cut = text.indexOf("🚀") + 1;
    writer.reset();
    writer.tag(1, 2);
    writer.stringPieces([text.slice(0, cut), text.slice(cut)]);
    const whole = new ProtoWriter(16);
    whole.tag(1, 2);
    whole.string(text);
    expect(writer.finish()).toEqual(whole.finish());
    expect(earlier).toEqual(expected(3, 150));
  });

  test("without a pool, finish() still hands out copies that later writes leave alone", () => {
    const writer = new ProtoWriter(64);
    const first = writeMessage(writer, 0, 30);
    writeMessage(writer, 1, 30);
    expect(first).toEqual(expected(0, 30));
  });
});

describe("a run's export requests", () => {
  const digest = (request: ExportRequest) => {
    const hash = createHash("sha256");
    for (const bytes of request.resources) hash.update(bytes);
    return `${request.signal}:${hash.digest("hex")}`;
  };

  /** An exporter that reads each request while exporting it (and, when `keeps`, keeps it to read later). */
  function recorder(borrows: boolean) {
    const seen: string[] = [];
    const kept: ExportRequest[] = [];
    const exporter: Exporter = {
      borrowsRequests: borrows,
      export(request) {
        seen.push(digest(request));
        kept.push(request);
        // Settling later, as a network call would, while the run goes on writing.
        return new Promise((resolve) => setTimeout(() => resolve({ rejected: 0 }), 1));
      },
      close: () => Promise.resolve(),
    };
    return { exporter, seen, kept };
  }

  test("hold the same bytes for an exporter that borrows them as for one that keeps them", async () => {
    const settings = await loadExample("marketplace.yaml");
    const borrowing = recorder(true);
    const keeping = recorder(false);
    await runFast(settings, { requests: 3000, exporters: [borrowing.exporter] });
    await runFast(settings, { requests: 3000, exporters: [keeping.exporter] });
    expect(borrowing.seen.length).toBeGreaterThan(20);
    expect(borrowing.seen).toEqual(keeping.seen);
    // Kept requests were never lent: read after the run, they are still what was sent.
    expect(keeping.kept.map(digest)).toEqual(keeping.seen);
    // Borrowed ones were: their memory carried later requests once they had settled.
    expect(borrowing.kept.map(digest)).not.toEqual(borrowing.seen);
  });
});
