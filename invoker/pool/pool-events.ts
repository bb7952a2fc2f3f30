// What the pool tells the rest of the invoker (warm-isolate registry, tracing, metrics).
import type { DisposeReason } from '../isolate/isolate-runtime.js';


/** Every event names the isolate and the network namespace it holds (null: none yet / per activation). */
export type PoolEvent =
  /** `layer`: it started from the built-in layer's startup snapshot (layer-choice.ts). */
  | { type: 'created'; isolateId: string; namespaceId: number | null; memoryMb: number; prewarm: boolean; layer: boolean; ms: number }
  | { type: 'warmed'; isolateId: string; namespaceId: number | null; actionKey: string; startKind: 'prewarm' | 'cold'; initMs: number }
  | { type: 'reused'; isolateId: string; namespaceId: number | null; actionKey: string; activationId: string }
  | { type: 'idle'; isolateId: string; namespaceId: number | null; actionKey: string }
  | { type: 'queued'; activationId: string; actionKey: string; queueLength: number }
  | { type: 'evicted'; isolateId: string; namespaceId: number | null; actionKey: string | null; cause: 'keep-alive' | 'memory-pressure' }
  | { type: 'disposed'; isolateId: string; namespaceId: number | null; actionKey: string | null; cause: DisposeReason }
  | { type: 'error'; message: string };

export type PoolListener = (event: PoolEvent) => void;

/** Synchronous fan-out. Contract: a throwing listener is removed from the call, not from the pool. */
export class PoolEvents {
  private readonly listeners = new Set<PoolListener>();

  /** Whether anyone listens: the hot path skips building events nobody reads. */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: PoolListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: PoolEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure must not break the pool's bookkeeping.
      }
    }
  }
}
