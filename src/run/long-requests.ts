import { BatchBuilder, type BatchMark } from "./batch-builder.ts";
import type { ExportRequest } from "../plugin-host/plugin.ts";

/** A paced batch's export requests, sent once all its spans have ended (at `readyUs`). */
export interface SealedBatch {
  readonly requests: readonly ExportRequest[];
  readonly readyUs: number;
}

interface OpenBatch {
  readonly builder: BatchBuilder;
  endUs: number;
}

/**
 * A paced run sends a batch once all its spans have ended. Requests that last longer than a batch waits (a
 * 30 s timeout, say) are batched apart, by the window of that length in which they end, so they hold back
 * neither the quick requests nor each other for longer than a window.
 */
export class LongRequests {
  private readonly open = new Map<number, OpenBatch>();
  private readonly idle: BatchBuilder[] = [];

  constructor(
    private readonly main: BatchBuilder,
    private readonly instances: ConstructorParameters<typeof BatchBuilder>[0],
    private readonly maxMessageBytes: number,
    private readonly windowUs: number,
    private readonly batchSize: number,
  ) {}

  /** Takes the request added to the main batch since `mark`, ending at `endUs`; a batch it filled, if any. */
  add(mark: BatchMark, endUs: number): SealedBatch | undefined {
    const window = Math.floor(endUs / this.windowUs);
    let open = this.open.get(window);
    if (open === undefined) {
      const builder = this.idle.pop() ?? new BatchBuilder(this.instances, this.maxMessageBytes, { from: this.main });
      this.open.set(window, open = { builder, endUs });
    }
    this.main.moveSince(mark, open.builder);
    open.builder.requests++;
    open.endUs = Math.max(open.endUs, endUs);
    return open.builder.requests >= this.batchSize ? this.seal(window, open) : undefined;
  }

  /** The batches no request can join any more at `nowUs` (its later ones end in later windows); all without it. */
  due(nowUs = Infinity): SealedBatch[] {
    const out: SealedBatch[] = [];
    for (const [window, open] of this.open) if (nowUs >= window * this.windowUs) out.push(this.seal(window, open));
    return out;
  }

  private seal(window: number, open: OpenBatch): SealedBatch {
    this.open.delete(window);
    this.idle.push(open.builder);
    return { requests: open.builder.take(), readyUs: open.endUs };
  }
}
