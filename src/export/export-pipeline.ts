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
 *
 * Metrics exports go one at a time, in order, as an SDK's metric reader sends them: two collections of a
 * cumulative stream in flight at once could arrive swapped and make a counter go down at the receiver.
 * Traces and logs use every slot.
 */
export class ExportPipeline {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly queue: ExportRequest[] = [];
  private queuedBytes = 0;
  private readonly abort = new AbortController();
  private slotFreed: (() => void) | undefined;
  private metricsInFlight = false;
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
    // A metrics request behind another waits in the queue, which holds the next `send` back until it starts.
    if (this.startable(request)) this.start(request);
    else this.enqueue(request);
  }

  offer(request: ExportRequest): void {
    if (this.inFlight.size < this.concurrency && this.startable(request)) return this.start(request);
    if (this.queuedBytes + request.bytes <= this.maxQueuedBytes) return this.enqueue(request);
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

  private startable(request: ExportRequest): boolean {
    return request.signal !== "metrics" || !this.metricsInFlight;
  }

  private enqueue(request: ExportRequest): void {
    this.queue.push(request);
    this.queuedBytes += request.bytes;
  }

  /** Starts queued requests, oldest first, while slots are free; a metrics request waits for the one before it. */
  private startQueued(): void {
    for (let i = 0; i < this.queue.length && this.inFlight.size < this.concurrency;) {
      const request = this.queue[i]!;
      if (!this.startable(request)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.queuedBytes -= request.bytes;
      this.start(request);
    }
  }

  private start(request: ExportRequest): void {
    this.stats.bytes += request.bytes;
    if (request.signal === "metrics") this.metricsInFlight = true;
    const call: Promise<void> = this.exportWithRetries(request).then(
      (result) => {
        this.stats.exports++;
        this.stats.rejected += result.rejected;
      },
      (error: unknown) => this.recordFailure(request, error),
    ).finally(() => {
      this.inFlight.delete(call);
      if (request.signal === "metrics") this.metricsInFlight = false;
      // After shutdown aborted the calls, what is queued stays queued: drain() counts it as not sent.
      if (!this.abort.signal.aborted) this.startQueued();
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
