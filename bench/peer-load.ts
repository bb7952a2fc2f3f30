// bench:peers' one load client: a keep-alive agent shared by every target, a POST of the same
// hello-world body to each, closed-loop windows at a given concurrency and a c=1 latency run.
// One client for every column, so that what the client costs weighs on each alike.
import { Agent, request } from 'node:http';

/** A column of bench:peers: where to POST, and the CPU time so far of each of its processes. */
export interface Target {
  label: string;
  url: URL;
  headers: Record<string, string>;
  /** CPU time (ms) of each of the target's processes by role (e.g. controller, invoker, sandboxes), so far. */
  cpuMs(): Map<string, number>;
  /** Processes whose threads BENCH_THREADS=1 breaks down, by name. */
  threadPids: Array<[string, number]>;
  stop(): Promise<unknown>;
}

const BODY = JSON.stringify({ name: 'bench' });

export class PeerLoad {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 256 });
  /** Requests answered per target label, warm-up included: what the OTLP sink's span count is checked against. */
  readonly answered = new Map<string, number>();

  post(t: Target): Promise<void> {
    this.answered.set(t.label, (this.answered.get(t.label) ?? 0) + 1);
    return new Promise((resolvePost, reject) => {
      const req = request(t.url, { method: 'POST', agent: this.#agent, headers: { ...t.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => (res.statusCode === 200 ? resolvePost() : reject(new Error(`${t.label} answered ${res.statusCode}: ${Buffer.concat(chunks).toString()}`))));
      });
      req.on('error', reject);
      req.end(BODY);
    });
  }

  /** Requests answered in `seconds` by `concurrency` closed loops. */
  async throughput(t: Target, concurrency: number, seconds: number): Promise<number> {
    const end = performance.now() + seconds * 1000;
    let done = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await this.post(t);
        done++;
      }
    }));
    return done;
  }

  /** `n` requests one after the other: each one's latency (ms). */
  async latencies(t: Target, n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await this.post(t);
      out.push(performance.now() - s);
    }
    return out;
  }

  destroy(): void {
    this.#agent.destroy();
  }
}
