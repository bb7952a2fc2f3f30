// Steady load for failure drills: a few paced senders invoke one action non-blocking until
// stopped, each activation with a unique `i`, and keep what happened to every request — accepted
// (202 + activation id, with the time it was sent) or refused (the status, or the connection error).
import type { ProcessCluster } from './process-cluster.js';

export interface Sent {
  i: number;
  activationId: string;
  /** epoch ms at which the request was sent */
  sentAt: number;
}

export interface LoadOptions {
  /** parallel senders */
  senders?: number;
  /** pause between one sender's requests */
  paceMs?: number;
  /** which controller each request goes to (round-robin over these indices) */
  controllers?: number[];
}

export class SteadyLoad {
  readonly accepted: Sent[] = [];
  /** HTTP statuses, or 'connection' for a request that got no answer */
  readonly refused: Array<number | 'connection'> = [];
  #next = 0;
  #running = false;
  #senders: Array<Promise<void>> = [];

  constructor(private readonly cluster: ProcessCluster, private readonly action: string, private readonly options: LoadOptions = {}) {}

  get sent(): number {
    return this.accepted.length + this.refused.length;
  }

  start(): void {
    this.#running = true;
    this.#senders = Array.from({ length: this.options.senders ?? 2 }, () => this.#sender());
  }

  /** Stops sending and waits for the requests still open. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#senders);
  }

  /** Resolves once `n` more activations have been accepted (the load is running meanwhile). */
  async acceptedAtLeast(n: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.accepted.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${this.accepted.length} of ${n} activations accepted within ${timeoutMs} ms (refused: ${this.refused.join(',')})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async #sender(): Promise<void> {
    const controllers = this.options.controllers ?? [0];
    while (this.#running) {
      const i = this.#next++;
      const sentAt = Date.now();
      try {
        const r = await this.cluster.api('POST', `namespaces/_/actions/${this.action}`, { i }, controllers[i % controllers.length]);
        if (r.status === 202) this.accepted.push({ i, activationId: (r.json as { activationId: string }).activationId, sentAt });
        else this.refused.push(r.status);
      } catch {
        this.refused.push('connection');
      }
      await new Promise((r) => setTimeout(r, this.options.paceMs ?? 100));
    }
  }
}
