// Spans to an OTLP/HTTP collector (POST application/x-protobuf to …/v1/traces), batched the way
// the SDK's BatchSpanProcessor is configured (OTEL_BSP_SCHEDULE_DELAY, _MAX_EXPORT_BATCH_SIZE,
// _MAX_QUEUE_SIZE), but each span is encoded into its batch's bytes the moment it ends, so a
// batch is a buffer, not 512 span objects waiting. The request's path never waits: a batch that
// is full is sealed and posted in the background, one POST at a time on one keep-alive
// connection; when the spans held (being filled, sealed, in flight) reach the queue size, a
// span that ends is dropped and counted; a failed POST drops its batch and counts its spans.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { LeanSpan, SpanSink } from './lean-span.js';
import { OtlpBatchEncoder } from './otlp-span-encoder.js';

const gzip = promisify(gzipCb);

export interface OtlpSinkOptions {
  url: URL;
  headers: Record<string, string>;
  /** The encoded Resource (otlp-span-encoder's encodeResource). */
  resource: Buffer;
  scheduleDelayMs: number;
  maxBatch: number;
  maxQueue: number;
  timeoutMs: number;
  gzip: boolean;
  log: (line: string) => void;
  /** Sends one request body; the default POSTs it to `url`. Tests replace it. */
  post?: (body: Buffer) => Promise<void>;
}

/** What the sink has done, for tests and the shutdown line. */
export interface SinkStats {
  exported: number;
  dropped: number;
  failed: number;
  batches: number;
}

export class OtlpHttpSpanSink implements SpanSink {
  readonly stats: SinkStats = { exported: 0, dropped: 0, failed: 0, batches: 0 };
  #encoder: OtlpBatchEncoder;
  #sealed: Array<{ body: Buffer; count: number }> = [];
  #held = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Set and cleared synchronously by #pump, so a batch sealed as it finishes starts another. */
  #running = false;
  #pumping: Promise<void> = Promise.resolve();
  #failing = false;
  #post: (body: Buffer) => Promise<void>;
  #agent: HttpAgent | undefined;

  constructor(private readonly o: OtlpSinkOptions) {
    this.#encoder = new OtlpBatchEncoder(o.resource);
    if (o.post) {
      this.#post = o.post;
    } else {
      const agent = o.url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
      this.#agent = agent;
      this.#post = (body) => this.#postHttp(agent, body);
    }
  }

  onEnd(span: LeanSpan): void {
    if (this.#held >= this.o.maxQueue) {
      this.stats.dropped++;
      return;
    }
    this.#encoder.add(span);
    this.#held++;
    if (this.#encoder.count >= this.o.maxBatch) this.#seal();
    else if (this.#timer === undefined) this.#timer = setTimeout(() => this.#seal(), this.o.scheduleDelayMs).unref();
  }

  forceFlush(): Promise<void> {
    this.#seal();
    return this.#pumping;
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.#agent?.destroy();
  }

  /** Closes the batch being filled and starts sending it. */
  #seal(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const count = this.#encoder.count;
    if (count === 0) return;
    this.#sealed.push({ body: this.#encoder.finish(), count });
    if (this.#running) return;
    this.#running = true;
    this.#pumping = this.#pump();
  }

  /** Sends the sealed batches in order; `#running` drops in the same turn the queue is seen empty. */
  async #pump(): Promise<void> {
    try {
      for (let next = this.#sealed.shift(); next !== undefined; next = this.#sealed.shift()) {
        try {
          await this.#post(this.o.gzip ? await gzip(next.body) : next.body);
          this.stats.exported += next.count;
          this.stats.batches++;
          this.#failing = false;
        } catch (err) {
          this.stats.failed += next.count;
          // Once per outage, not once per batch.
          if (!this.#failing) this.o.log(`traces: the OTLP export to ${this.o.url.href} failed (${(err as Error).message}); its spans are dropped until it answers again`);
          this.#failing = true;
        } finally {
          this.#held -= next.count;
        }
      }
    } finally {
      this.#running = false;
    }
  }

  #postHttp(agent: HttpAgent, body: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const send = this.o.url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(this.o.url, {
        method: 'POST',
        agent,
        timeout: this.o.timeoutMs,
        headers: {
          ...this.o.headers,
          'content-type': 'application/x-protobuf',
          'content-length': body.length,
          ...(this.o.gzip ? { 'content-encoding': 'gzip' } : {}),
        },
      }, (res) => {
        res.resume();
        res.on('end', () => ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer in ${this.o.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
