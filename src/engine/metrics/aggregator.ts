import type { InstancePlan, RunPlan, SemconvMetric, ServicePlan } from "../plan.ts";
import type { MetricModel, MetricSample } from "../../plugin-host/plugin.ts";
import { namedRandom } from "../seed.ts";
import type { Random } from "../../plugin-host/random.ts";
import {
  type KeyValue,
  type MetricRecord,
  type SpanRecord,
  TEMPORALITY_CUMULATIVE,
  TEMPORALITY_DELTA,
} from "../../telemetry/records.ts";
import { Histogram } from "./histogram.ts";

/** One instance's metrics at one collection: what its SDK's periodic reader would export. */
export interface InstanceMetrics {
  readonly instance: InstancePlan;
  readonly metrics: readonly MetricRecord[];
  readonly points: number;
  /** When the instance's reader collected them: their points' time. */
  readonly timeUs: number;
}

interface InstanceState {
  readonly instance: InstancePlan;
  /** Requests handled (since the start, or since the last collection with delta temporality). */
  handled: number;
  /** Requests handled and their summed duration since the last collection, for gauge models. */
  intervalHandled: number;
  intervalBusyUs: number;
  /** Per configured metric: its histogram or its value model. */
  readonly histograms: (Histogram | undefined)[];
  readonly models: (MetricModel | undefined)[];
  /** Configured metrics that a semantic-convention stream of the same name replaces. */
  readonly replaced: readonly boolean[];
  /** Semantic-convention duration histograms, in the order the instance's spans first fed them. */
  readonly semconv: SemconvEntry[];
  /** The same, by `MetricSlot.index`. */
  readonly semconvByIndex: (SemconvEntry | undefined)[];
  /** The instance's metric reader: when its SDK started, when it last collected and will next collect. */
  readonly reader: Reader;
}

/** One semantic-convention histogram of an instance and its streams by attribute set. */
interface SemconvEntry {
  readonly metric: SemconvMetric;
  /** By `Layout.root`: the streams of spans whose kept attributes have those keys. */
  readonly roots: (StreamNode | undefined)[];
  readonly streams: Histogram[];
}

/**
 * A convention metric of the compiled operations, found per span by the identity of its object (one per
 * operation), never by its name.
 */
interface MetricSlot {
  /** The same for every metric object of one name: where its streams are in `semconvByIndex`. */
  readonly index: number;
  /** The layouts its spans came in (a few: optional attributes, error.type on failures). */
  readonly layouts: Layout[];
  /** Per instance, the streams its spans fed last: an operation's spans repeat a few sets of constants. */
  readonly recent: (RecentStream[] | undefined)[];
}

/**
 * A stream and how to recognise it without the trie: the layout's keys, and at each kept position the
 * constant attribute (by identity) that led to it.
 */
interface RecentStream {
  readonly keys: readonly string[];
  readonly constants: readonly (KeyValue | undefined)[];
  readonly histogram: Histogram;
}

interface Reader {
  readonly startUs: number;
  /** When its SDK shuts down (a deploy replaced the instance); Infinity: at the end of the run. */
  readonly stopUs: number;
  readonly random: Random;
  collections: number;
  lastUs: number;
  nextUs: number;
}

/**
 * Streams by attribute set, as a trie: a root per set of kept keys, then one level per kept attribute, by
 * value. Every span feeds one, so the lookup uses primitive values and a numbered root, never a joined
 * string of the attributes.
 */
interface StreamNode {
  readonly next: Map<string | number | boolean, StreamNode>;
  /**
   * The same children by the identity of a pre-encoded (constant) attribute: most kept attributes are an
   * operation's constants (method, route, status), shared by all its spans, so an identity lookup finds
   * their child without reading the value. Only those are kept here, so it stays as small as `next`.
   */
  readonly shared: Map<KeyValue, StreamNode>;
  histogram?: Histogram;
}

/** Where an operation's spans keep their metric attributes, and the number of that set of keys. */
interface Layout {
  readonly keys: readonly string[];
  /** The positions of the kept attributes, in the order of their keys. */
  readonly kept: readonly number[];
  readonly root: number;
}

const NONE: readonly never[] = [];
const MAX_LAYOUTS = 16;
/** Streams remembered per operation and instance: its usual status codes and protocol versions, or partitions. */
const RECENT_STREAMS = 16;
/** A periodic reader's timer fires a little late, by 0.2-3 ms, and never catches up on its own. */
const TIMER_DELAY_US = [200, 3000] as const;
/** A deploy's new instance starts its SDK 3-15 s before it takes traffic (it starts, then becomes ready). */
const STARTUP_US = [3e6, 15e6] as const;
/** The instance it replaces finishes what it is serving and shuts down 0.5-3 s after it stops taking traffic. */
const DRAIN_US = [0.5e6, 3e6] as const;

/**
 * Aggregates per service instance the way an SDK does: counters and histograms accumulate (from the
 * instance's start, or per interval with delta temporality), gauges are sampled at each collection.
 * Each instance has its own periodic reader, as a process has: its SDK started at its own moment within
 * the interval before the run, so its collections come at their own phase, each a little late.
 */
export class MetricsAggregator {
  private readonly states: InstanceState[];
  private readonly delta: boolean;
  private readonly slots = new Map<SemconvMetric, MetricSlot>();
  /** Metric names and sets of kept keys, numbered in the order first seen. */
  private readonly names = new Map<string, number>();
  private readonly keySets = new Map<string, number>();
  private readonly saturationAt: RunPlan["saturationAt"];
  /** The earliest collection any reader has due. */
  nextDueUs = Infinity;

  constructor(plan: RunPlan, private readonly startUs: number, private readonly intervalUs: number) {
    this.delta = plan.temporality === "delta";
    this.saturationAt = plan.saturationAt;
    this.states = plan.instances.map((instance) => {
      const { metrics } = instance.service;
      const fed = spanFedMetrics(instance.service);
      const random = namedRandom(plan.seedHash, `reader/${instanceId(instance)}`);
      const reader = { ...this.lifetime(instance, random), random, collections: 0, lastUs: 0, nextUs: 0 };
      reader.lastUs = reader.startUs;
      reader.nextUs = this.scheduled(reader);
      return {
        instance,
        handled: 0,
        intervalHandled: 0,
        intervalBusyUs: 0,
        histograms: metrics.map((m) => m.data === "histogram" ? new Histogram(NONE, m.bounds, false) : undefined),
        models: metrics.map((m) => m.createModel?.(namedRandom(plan.seedHash, `metric/${instance.index}/${m.name}`))),
        replaced: metrics.map((m) => m.microsecondsPerUnit !== undefined && fed.has(m.name)),
        semconv: [],
        semconvByIndex: [],
        reader,
      };
    });
    this.updateNextDue();
  }

  /** Feeds one request an instance handled: configured counters, duration histograms and gauge load. */
  handled(instance: InstancePlan, startUs: number, endUs: number, span?: SpanRecord): void {
    const state = this.states[instance.index]!;
    const durationUs = endUs - startUs;
    state.handled++;
    state.intervalHandled++;
    state.intervalBusyUs += durationUs;
    const { metrics } = instance.service;
    for (let i = 0; i < metrics.length; i++) {
      const histogram = state.histograms[i];
      if (histogram === undefined || state.replaced[i]) continue;
      const perUnit = metrics[i]!.microsecondsPerUnit;
      const value = perUnit === undefined ? state.models[i]!.sample(this.sample(state, endUs)) : durationUs / perUnit;
      histogram.record(value, span);
    }
  }

  /** Feeds a span's duration, in the metric's unit, to its semantic-convention histogram, split by its attributes. */
  span(instance: InstancePlan, span: SpanRecord, metric: SemconvMetric): void {
    const slot = this.slot(metric);
    const { attributes } = span;
    const recent = slot.recent[instance.index] ??= [];
    const histogram = recentStream(recent, attributes) ?? this.stream(instance, slot, metric, attributes, recent);
    histogram.record((span.endUs - span.startUs) / metric.microsecondsPerUnit, span);
    // The `dup` era: the same spans feed the other era's histogram too.
    if (metric.also) this.span(instance, span, metric.also);
  }

  /**
   * The stream of `attributes`' kept values, found in the trie; remembered among the slot's recent ones of
   * the instance when its kept attributes are constants, which the next spans can be matched with by identity.
   */
  private stream(
    instance: InstancePlan,
    slot: MetricSlot,
    metric: SemconvMetric,
    attributes: readonly KeyValue[],
    recent: RecentStream[],
  ): Histogram {
    const state = this.states[instance.index]!;
    let entry = state.semconvByIndex[slot.index];
    if (entry === undefined) {
      state.semconv.push(state.semconvByIndex[slot.index] = entry = { metric, roots: [], streams: [] });
    }
    const { keys, kept, root } = this.layout(slot, metric, attributes);
    let node = entry.roots[root];
    if (node === undefined) entry.roots[root] = node = newNode();
    for (let k = 0; k < kept.length; k++) node = child(node, attributes[kept[k]!]!);
    let histogram = node.histogram;
    if (histogram === undefined) {
      const keptAttributes = attributes.filter((a) => metric.keys.has(a.key));
      entry.streams.push(node.histogram = histogram = new Histogram(keptAttributes, metric.bounds, true));
    }
    if (kept.every((i) => attributes[i]!.encoded !== undefined)) {
      const constants: (KeyValue | undefined)[] = keys.map(() => undefined);
      for (const i of kept) constants[i] = attributes[i];
      if (recent.length >= RECENT_STREAMS) recent.pop();
      recent.unshift({ keys, constants, histogram });
    }
    return histogram;
  }

  /**
   * Where the kept attributes are in `attributes`, and which keys they are. An operation describes its spans
   * in a few layouts of the same key strings, so the known ones are checked (by identity, cheap) before
   * working it out.
   */
  private layout(slot: MetricSlot, metric: SemconvMetric, attributes: readonly KeyValue[]): Layout {
    const known = slot.layouts;
    for (let j = 0; j < known.length; j++) {
      const { keys } = known[j]!;
      if (keys.length !== attributes.length) continue;
      let i = 0;
      while (i < keys.length && keys[i] === attributes[i]!.key) i++;
      if (i === keys.length) return known[j]!;
    }
    const keys = attributes.map((a) => a.key);
    // In key order: the same attributes listed in another order are the same stream, as in an SDK.
    const kept = keys.flatMap((key, i) => (metric.keys.has(key) ? [i] : [])).sort((a, b) => byKey(keys[a]!, keys[b]!));
    const layout = { keys, kept, root: numbered(this.keySets, kept.map((i) => keys[i]).join("\u0001")) };
    // Bounded, in case a plugin's attributes come in ever new orders.
    if (known.length < MAX_LAYOUTS) known.push(layout);
    return layout;
  }

  private slot(metric: SemconvMetric): MetricSlot {
    let slot = this.slots.get(metric);
    if (slot === undefined) {
      this.slots.set(metric, slot = { index: numbered(this.names, metric.name), layouts: [], recent: [] });
    }
    return slot;
  }

  /** Every collection due by `untilUs`, in time order (an instance may collect more than once). */
  collectDue(untilUs: number): InstanceMetrics[] {
    const out: InstanceMetrics[] = [];
    while (this.nextDueUs <= untilUs) {
      let next = this.states[0]!;
      for (const state of this.states) if (state.reader.nextUs < next.reader.nextUs) next = state;
      this.collect(next, next.reader.nextUs, out);
      next.reader.nextUs = this.scheduled(next.reader);
      this.updateNextDue();
    }
    return out;
  }

  /**
   * The collections due by `timeUs`, then the last one of each instance still running, as its SDK shuts
   * down just after (an instance a deploy replaced has shut down already; one it had yet to start, never ran).
   */
  shutdown(timeUs: number): InstanceMetrics[] {
    const out = this.collectDue(timeUs);
    for (const { reader } of this.states) if (reader.startUs > timeUs) reader.nextUs = Infinity;
    for (const state of this.states) {
      if (state.reader.nextUs !== Infinity) this.collect(state, Math.round(timeUs + this.delayUs(state.reader)), out);
    }
    this.nextDueUs = Infinity;
    return out;
  }

  /**
   * When the instance's SDK starts and stops. One running from the start started within the interval
   * before the run, at its own phase; a deploy's new instance starts a little before it takes traffic,
   * and the one it replaces shuts down a little after it stops taking traffic, with a last collection.
   */
  private lifetime(instance: InstancePlan, random: Random): { startUs: number; stopUs: number } {
    const at = (seconds: number, [low, high]: readonly [number, number]) =>
      Math.round(this.startUs + seconds * 1e6 + low + (high - low) * random.float());
    const startUs = instance.fromSeconds === undefined
      ? Math.round(this.startUs - this.intervalUs * random.float())
      : at(instance.fromSeconds, [-STARTUP_US[1], -STARTUP_US[0]]);
    const stopUs = instance.replacedBy ? at(instance.replacedBy.fromSeconds!, DRAIN_US) : Infinity;
    return { startUs, stopUs };
  }

  /** The reader's next collection: whole intervals after its SDK's start, a little late; the last at its shutdown. */
  private scheduled(reader: Reader): number {
    if (reader.lastUs >= reader.stopUs) return Infinity;
    reader.collections++;
    return Math.min(
      reader.stopUs,
      Math.round(reader.startUs + reader.collections * this.intervalUs + this.delayUs(reader)),
    );
  }

  private delayUs(reader: Reader): number {
    return TIMER_DELAY_US[0] + (TIMER_DELAY_US[1] - TIMER_DELAY_US[0]) * reader.random.float();
  }

  private updateNextDue(): void {
    let next = Infinity;
    for (const state of this.states) next = Math.min(next, state.reader.nextUs);
    this.nextDueUs = next;
  }

  private collect(state: InstanceState, timeUs: number, out: InstanceMetrics[]): void {
    const startUs = this.delta ? state.reader.lastUs : state.reader.startUs;
    const metrics = [...this.configured(state, startUs, timeUs), ...this.semconv(state, startUs, timeUs)];
    const points = metrics.reduce((n, m) => n + m.data.points.length, 0);
    if (points > 0) out.push({ instance: state.instance, metrics, points, timeUs });
    state.intervalHandled = 0;
    state.intervalBusyUs = 0;
    if (this.delta) state.handled = 0;
    state.reader.lastUs = timeUs;
  }

  private configured(state: InstanceState, startUs: number, timeUs: number): MetricRecord[] {
    const sample = this.sample(state, timeUs);
    const temporality = this.delta ? TEMPORALITY_DELTA : TEMPORALITY_CUMULATIVE;
    const out: MetricRecord[] = [];
    state.instance.service.metrics.forEach((metric, i) => {
      if (state.replaced[i]) return;
      const head = { name: metric.name, description: metric.description, unit: metric.unit };
      const base = { attributes: NONE, startUs, timeUs, exemplars: NONE };
      if (metric.data === "sum" && metric.monotonic) {
        const points = [{ ...base, value: { int: state.handled } }];
        out.push({ ...head, data: { kind: "sum", temporality, monotonic: true, points } });
      } else if (metric.data === "sum") {
        // An UpDownCounter stays cumulative whatever the temporality preference, as the SDKs keep it.
        const value = { int: Math.round(state.models[i]!.sample(sample)) };
        const points = [{ ...base, startUs: state.reader.startUs, value }];
        out.push({ ...head, data: { kind: "sum", temporality: TEMPORALITY_CUMULATIVE, monotonic: false, points } });
      } else if (metric.data === "gauge") {
        const points = [{ ...base, startUs: timeUs, value: { double: state.models[i]!.sample(sample) } }];
        out.push({ ...head, data: { kind: "gauge", points } });
      } else {
        const points = [state.histograms[i]!.point(startUs, timeUs, this.delta)];
        out.push({ ...head, data: { kind: "histogram", temporality, points } });
      }
    });
    return out;
  }

  private semconv(state: InstanceState, startUs: number, timeUs: number): MetricRecord[] {
    const temporality = this.delta ? TEMPORALITY_DELTA : TEMPORALITY_CUMULATIVE;
    const out: MetricRecord[] = [];
    for (const { metric, streams } of state.semconv) {
      const points = streams
        .filter((h) => !(this.delta && h.empty))
        .map((h) => h.point(startUs, timeUs, this.delta));
      if (points.length > 0) {
        const { name, description, unit } = metric;
        out.push({ name, description, unit, data: { kind: "histogram", temporality, points } });
      }
    }
    return out;
  }

  private sample(state: InstanceState, timeUs: number): MetricSample {
    return {
      timeUs,
      intervalUs: Math.max(1, timeUs - state.reader.lastUs),
      requests: state.intervalHandled,
      busyUs: state.intervalBusyUs,
      saturation: this.saturationAt((timeUs - this.startUs) / 1e6, state.instance.service.name),
    };
  }
}

/** Names of the convention histograms the service's spans feed: its own, and its CLIENT spans into callees. */
function spanFedMetrics(service: ServicePlan): Set<string> {
  const names = new Set<string>();
  for (const operation of service.span?.operations ?? []) if (operation.metric) names.add(operation.metric.name);
  if (service.span) {
    for (const callee of service.downstream) {
      for (const operation of callee.span?.operations ?? []) {
        if (operation.callerMetric) names.add(operation.callerMetric.name);
      }
    }
  }
  return names;
}

/** The instance's service.instance.id (unique per shard too), for a reader of its own. */
function instanceId(instance: InstancePlan): string {
  const id = instance.resource.attributes.find((a) => a.key === "service.instance.id")?.value;
  return id && "string" in id ? id.string : String(instance.index);
}

/** The number of `key` in `numbers`, numbering it next when new. */
function numbered(numbers: Map<string, number>, key: string): number {
  let number = numbers.get(key);
  if (number === undefined) numbers.set(key, number = numbers.size);
  return number;
}

/**
 * The recent stream `attributes` belong to: the same keys in the same order, and the same constant
 * attributes (by identity) where the stream's are. One pass, reading only the keys of the other attributes.
 * A stream found moves one place forward, so the most frequent ones come to be checked first.
 */
function recentStream(recent: RecentStream[], attributes: readonly KeyValue[]): Histogram | undefined {
  for (let r = 0; r < recent.length; r++) {
    const stream = recent[r]!;
    const { keys, constants } = stream;
    if (keys.length !== attributes.length) continue;
    let i = 0;
    for (; i < keys.length; i++) {
      const kv = attributes[i]!;
      const constant = constants[i];
      if (constant === undefined ? kv.key !== keys[i] : kv !== constant) break;
    }
    if (i < keys.length) continue;
    if (r > 0) [recent[r - 1], recent[r]] = [stream, recent[r - 1]!];
    return stream.histogram;
  }
  return undefined;
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function newNode(): StreamNode {
  return { next: new Map(), shared: new Map() };
}

/** The trie node below `node` for attribute `kv`'s value. */
function child(node: StreamNode, kv: KeyValue): StreamNode {
  const constant = kv.encoded !== undefined;
  let found = constant ? node.shared.get(kv) : undefined;
  if (found !== undefined) return found;
  const value = scalar(kv.value);
  found = node.next.get(value);
  if (found === undefined) node.next.set(value, found = newNode());
  if (constant) node.shared.set(kv, found);
  return found;
}

/** An attribute value as a Map key: strings, ints and booleans as they are (Map keeps "7" and 7 apart). */
function scalar(value: KeyValue["value"]): string | number | boolean {
  // Property reads, not `in`: attribute values come in several shapes, and this runs for every kept attribute.
  const { string, int, bool } = value as { string?: string; int?: number; bool?: boolean };
  if (string !== undefined) return string;
  if (int !== undefined) return int;
  if (bool !== undefined) return bool;
  return "double" in value ? `d${value.double}` : `j${JSON.stringify(value)}`;
}
