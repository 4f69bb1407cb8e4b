import { DreamweaverError } from "../plugin-host/errors.ts";
import { isPluginCrash } from "../plugin-host/driver.ts";
import type { Exporter, ExportError, ExportRequest } from "../plugin-host/plugin.ts";
import type { Outcome, RunStats } from "./run-stats.ts";
import { FIRST_CONTACT_POLICY, RETRY_POLICY, retryDelayMs, sleep } from "./retry.ts";

export interface PipelineOptions {
  /** Export calls in flight at most. */
  readonly concurrency?: number;
  /** Memory the paced mode may hold for a slow receiver before it drops. */
  readonly maxQueuedBytes?: number;
  /**
   * Largest request (encoded bytes) that merging waiting requests may make; absent: requests are never merged
   * (see Exporter.mergesRequests).
   */
  readonly mergeBytes?: number;
  /** Once aborted, `send` stops waiting for a free slot and queues (or drops) instead: the run is ending. */
  readonly stop?: AbortSignal;
  /** Called when the exporter itself failed (a plugin that threw, see isPluginCrash): the run should end. */
  readonly onCrash?: (error: DreamweaverError) => void;
  /** Called once for each request when it is settled (or dropped): its bytes are no longer needed here. */
  readonly onSettled?: (request: ExportRequest) => void;
}

/**
 * Runs export calls with bounded concurrency. `send` waits for a free slot (the generator slows down
 * to what the receiver accepts); `offer` never waits: it queues up to `maxQueuedBytes` of requests and drops
 * beyond that, so a paced run keeps its schedule and its memory bounded. A failed export the exporter
 * marks retryable is sent again (see retry.ts) within the same slot, so retries never raise the
 * concurrency and a struggling receiver slows generation down instead. Every request is settled in the
 * run's stats exactly once, as delivered, lost, unconfirmed or dropped.
 *
 * Metrics exports go one at a time, in order, as an SDK's metric reader sends them: two collections of a
 * cumulative stream in flight at once could arrive swapped and make a counter go down at the receiver.
 * Traces and logs use every slot.
 *
 * With `mergeBytes`, a trace or log request that finds every slot busy joins the one of its signal waiting
 * in the queue, up to that size, and generation goes on instead of waiting: a receiver slower than the
 * generator then gets fewer, larger calls, which cost the generator far less per item than many small
 * ones (each call has a fixed cost in the HTTP/2 client: docs/performance.md). `send` waits once its
 * signal's waiting request is full, so unpaced runs hold at most one merged request per signal more than
 * before; `offer` queues up to `maxQueuedBytes`, as it always did.
 */
export class ExportPipeline {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly queue: ExportRequest[] = [];
  private queuedBytes = 0;
  private readonly abort = new AbortController();
  private slotFreed: (() => void) | undefined;
  private metricsInFlight = false;
  private readonly concurrency: number;
  private readonly maxQueuedBytes: number;
  /** The first failure before any export was delivered: the receiver is most likely not there at all. */
  firstFailure: Error | undefined;

  constructor(
    private readonly exporter: Exporter,
    private readonly stats: RunStats,
    private readonly options: PipelineOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 4;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 64 * 1024 * 1024;
    options.stop?.addEventListener("abort", () => this.wake());
  }

  async send(request: ExportRequest): Promise<void> {
    while (this.inFlight.size >= this.concurrency || this.queue.length > 0) {
      if (this.options.stop?.aborted) return this.offer(request);
      if (this.merge(request)) return;
      await new Promise<void>((resolve) => (this.slotFreed = resolve));
    }
    // A metrics request behind another waits in the queue, which holds the next `send` back until it starts.
    if (this.startable(request)) this.start(request);
    else this.enqueue(request);
  }

  offer(request: ExportRequest): void {
    if (this.inFlight.size < this.concurrency && this.startable(request)) return this.start(request);
    if (this.queuedBytes + request.bytes > this.maxQueuedBytes) return this.drop(request);
    if (!this.merge(request)) this.enqueue(request);
  }

  /**
   * Queues `request` to be merged: into the request of its signal waiting last in the queue when the two fit
   * in `mergeBytes`, else as that signal's waiting request when none waits yet. False when it cannot be
   * merged (metrics, no merging, or the waiting request is full): the caller waits or queues it.
   */
  private merge(request: ExportRequest): boolean {
    const limit = this.options.mergeBytes;
    if (limit === undefined || request.signal === "metrics") return false;
    const at = this.queue.findLastIndex((queued) => queued.signal === request.signal);
    if (at < 0) {
      this.enqueue(request);
      return true;
    }
    const waiting = this.queue[at]!;
    if (waiting.bytes + request.bytes > limit) return false;
    const merged = waiting instanceof MergedRequest ? waiting : (this.queue[at] = new MergedRequest(waiting));
    merged.add(request);
    this.queuedBytes += request.bytes;
    return true;
  }

  /** Counts a request that will never be sent. */
  drop(request: ExportRequest): void {
    this.stats.settle(request, "dropped");
    this.options.onSettled?.(request);
  }

  /**
   * Waits for queued and in-flight exports; after `timeoutMs`, or `hurryMs` after `hurry` aborts if that
   * comes first, aborts what is left: calls in flight count as unconfirmed (they may have arrived), queued
   * requests as dropped.
   */
  async drain(timeoutMs: number, hurry?: AbortSignal, hurryMs = timeoutMs): Promise<void> {
    const timers: ReturnType<typeof setTimeout>[] = [];
    const deadline = new Promise<"timeout">((resolve) => {
      timers.push(setTimeout(resolve, timeoutMs, "timeout"));
      hurry?.addEventListener("abort", () => timers.push(setTimeout(resolve, hurryMs, "timeout")), { once: true });
    });
    while (this.inFlight.size > 0) {
      if (await Promise.race([Promise.race(this.inFlight), deadline]) === "timeout") break;
    }
    for (const timer of timers) clearTimeout(timer);
    this.abort.abort();
    await Promise.allSettled(this.inFlight);
    for (const request of this.queue.splice(0)) this.drop(request);
    this.queuedBytes = 0;
  }

  private wake(): void {
    this.slotFreed?.();
    this.slotFreed = undefined;
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
    this.stats.exports++;
    this.stats.bytes += request.bytes;
    if (request.signal === "metrics") this.metricsInFlight = true;
    const call: Promise<void> = this.exportWithRetries(request).finally(() => {
      this.inFlight.delete(call);
      if (request.signal === "metrics") this.metricsInFlight = false;
      // After shutdown aborted the calls, what is queued stays queued: drain() counts it as dropped.
      if (!this.abort.signal.aborted) this.startQueued();
      this.wake();
    });
    this.inFlight.add(call);
  }

  /**
   * One export, attempted until it is delivered, fails for good, runs out of retry time or the run shuts
   * down; then settled. Attempts that got no answer are counted: each may have reached the receiver.
   */
  private async exportWithRetries(request: ExportRequest): Promise<void> {
    const startedMs = performance.now();
    let unanswered = 0;
    for (let attempt = 1;; attempt++) {
      try {
        const { rejected } = await this.exporter.export(request, this.abort.signal);
        this.settle(request, "delivered", unanswered, rejected);
        return;
      } catch (error) {
        // A call cut off by shutdown may have arrived as much as one that timed out.
        if ((error as ExportError)?.mayHaveArrived === true || this.abort.signal.aborted) unanswered++;
        // Until something got through, a failure most likely means a wrong endpoint: give up quickly.
        const policy = this.stats.calls.delivered === 0 ? FIRST_CONTACT_POLICY : RETRY_POLICY;
        const elapsedMs = performance.now() - startedMs;
        const delayMs = retryDelayMs(error, attempt, elapsedMs, policy, Math.random());
        if (delayMs !== undefined && !this.abort.signal.aborted) {
          this.stats.retries++;
          await sleep(delayMs, this.abort.signal);
          if (!this.abort.signal.aborted) continue;
        }
        this.fail(request, error, unanswered);
        return;
      }
    }
  }

  private fail(request: ExportRequest, error: unknown, unanswered: number): void {
    const failure = DreamweaverError.from(error, { code: "EXPORT_FAILED" });
    this.settle(request, unanswered > 0 ? "unconfirmed" : "lost", unanswered);
    this.stats.lastError = failure.message;
    if (this.stats.calls.delivered === 0) this.firstFailure ??= failure;
    if (isPluginCrash(error)) this.options.onCrash?.(failure);
  }

  /** Settles a request; the receiver may hold one copy per unanswered attempt, plus the delivered one. */
  private settle(request: ExportRequest, outcome: Outcome, unanswered: number, rejected = 0): void {
    this.stats.settle(request, outcome, rejected);
    const copies = unanswered + (outcome === "delivered" ? 1 : 0);
    if (copies > 1) this.stats.possibleDuplicates[request.signal] += (copies - 1) * request.items;
    this.options.onSettled?.(request);
  }
}

/** Requests of one signal joined into one: their resource messages in order, as one Export*ServiceRequest. */
class MergedRequest implements ExportRequest {
  readonly signal: ExportRequest["signal"];
  readonly resources: Uint8Array[];
  items: number;
  bytes: number;

  constructor(first: ExportRequest) {
    this.signal = first.signal;
    this.resources = [...first.resources];
    this.items = first.items;
    this.bytes = first.bytes;
  }

  add(request: ExportRequest): void {
    for (const resource of request.resources) this.resources.push(resource);
    this.items += request.items;
    this.bytes += request.bytes;
  }
}
