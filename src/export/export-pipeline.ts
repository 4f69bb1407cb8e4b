import { DreamweaverError } from "../plugin-host/errors.ts";
import type { Exporter, ExportRequest, ExportResult } from "../plugin-host/plugin.ts";
import type { RunStats } from "./run-stats.ts";
import { FIRST_CONTACT_POLICY, RETRY_POLICY, retryDelayMs, sleep } from "./retry.ts";

/**
 * Runs export calls with bounded concurrency. `send` waits for a free slot (the generator slows down
 * to what the receiver accepts); `offer` never waits: it queues up to `maxQueuedBytes` of requests and drops
 * beyond that, counting what was dropped, so a paced run keeps its schedule and its memory bounded.
 * A failed export the exporter marks retryable is sent again (see retry.ts) within the same slot, so
 * retries never raise the concurrency and a struggling receiver slows generation down instead.
 */
export class ExportPipeline {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly queue: ExportRequest[] = [];
  private queuedBytes = 0;
  private readonly abort = new AbortController();
  private slotFreed: (() => void) | undefined;
  /** The first failure before any export succeeded: the receiver is most likely not there at all. */
  firstFailure: Error | undefined;

  constructor(
    private readonly exporter: Exporter,
    private readonly stats: RunStats,
    private readonly concurrency = 4,
    /** Memory the paced mode may hold for a slow receiver before it drops. */
    private readonly maxQueuedBytes = 64 * 1024 * 1024,
  ) {}

  async send(request: ExportRequest): Promise<void> {
    while (this.inFlight.size >= this.concurrency || this.queue.length > 0) {
      await new Promise<void>((resolve) => (this.slotFreed = resolve));
    }
    this.start(request);
  }

  offer(request: ExportRequest): void {
    if (this.inFlight.size < this.concurrency) return this.start(request);
    if (this.queuedBytes + request.bytes <= this.maxQueuedBytes) {
      this.queue.push(request);
      this.queuedBytes += request.bytes;
      return;
    }
    this.stats.droppedExports++;
    this.stats.dropped[request.signal] += request.items;
  }

  /** Waits for queued and in-flight exports; after `timeoutMs` aborts what is left and counts it lost. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = new Promise<"timeout">((resolve) => setTimeout(resolve, timeoutMs, "timeout").unref?.());
    while (this.inFlight.size > 0) {
      if (await Promise.race([Promise.race(this.inFlight), deadline]) === "timeout") break;
    }
    this.abort.abort();
    await Promise.allSettled(this.inFlight);
    for (const request of this.queue.splice(0)) this.recordFailure(request, new Error("not sent before shutdown"));
    this.queuedBytes = 0;
  }

  async close(): Promise<void> {
    await this.exporter.close();
  }

  private start(request: ExportRequest): void {
    this.stats.bytes += request.bytes;
    const call: Promise<void> = this.exportWithRetries(request).then(
      (result) => {
        this.stats.exports++;
        this.stats.rejected += result.rejected;
      },
      (error: unknown) => this.recordFailure(request, error),
    ).finally(() => {
      this.inFlight.delete(call);
      // After shutdown aborted the calls, what is queued stays queued: drain() counts it as not sent.
      const next = this.abort.signal.aborted ? undefined : this.queue.shift();
      if (next) {
        this.queuedBytes -= next.bytes;
        this.start(next);
      }
      this.slotFreed?.();
      this.slotFreed = undefined;
    });
    this.inFlight.add(call);
  }

  /** One export, attempted until it succeeds, fails for good, runs out of retry time or the run shuts down. */
  private async exportWithRetries(request: ExportRequest): Promise<ExportResult> {
    const startedMs = performance.now();
    for (let attempt = 1;; attempt++) {
      try {
        return await this.exporter.export(request, this.abort.signal);
      } catch (error) {
        // Until something got through, a failure most likely means a wrong endpoint: give up quickly.
        const policy = this.stats.exports === 0 ? FIRST_CONTACT_POLICY : RETRY_POLICY;
        const elapsedMs = performance.now() - startedMs;
        const delayMs = retryDelayMs(error, attempt, elapsedMs, policy, Math.random());
        if (delayMs === undefined || this.abort.signal.aborted) throw error;
        this.stats.retries++;
        await sleep(delayMs, this.abort.signal);
        if (this.abort.signal.aborted) throw error;
      }
    }
  }

  private recordFailure(request: ExportRequest, error: unknown): void {
    const failure = DreamweaverError.from(error, { code: "EXPORT_FAILED" });
    this.stats.failedExports++;
    this.stats.lost[request.signal] += request.items;
    this.stats.lastError = failure.message;
    if (this.stats.exports === 0) this.firstFailure ??= failure;
  }
}
