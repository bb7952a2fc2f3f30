// An action as photon stores it: OpenWhisk's entity shape (docs/rest_api.md) plus the revision
// that invokers key their code cache on.

export interface KeyValue {
  key: string;
  value: unknown;
  /** OpenWhisk's init parameters: given to the action as process.env variables at load, not as arguments. */
  init?: boolean;
}

export interface ActionLimits {
  /** ms, 100..300000, default 60000 */
  timeout: number;
  /** MB, 128..512, default 256: the isolate's memory limit and the unit of invoker capacity. */
  memory: number;
  /** bytes of log lines kept per activation, 0..10 MB, default 10 MB */
  logs: number;
  /** activations one warm isolate serves at once, 1..500, default 1 */
  concurrency: number;
}

export interface ActionExec {
  kind: string;
  /** The code; '' for a sequence, which has components instead. */
  code: string;
  /** A sequence's components, fully qualified (`/ns/name`, `/ns/pkg/name`), in order. */
  components?: string[];
  /** Entry point name; default `main`. */
  main?: string;
  binary?: boolean;
}

export interface Action {
  namespace: string;
  name: string;
  /** OpenWhisk semver-ish version, 0.0.1 on create, bumped on each update. */
  version: string;
  /** Opaque, changes on every update: invokers cache compiled code by (namespace, name, revision). */
  revision: string;
  exec: ActionExec;
  parameters: KeyValue[];
  annotations: KeyValue[];
  limits: ActionLimits;
  publish: boolean;
  /** epoch ms */
  updated: number;
}

export const DEFAULT_LIMITS: Readonly<ActionLimits> = Object.freeze({
  timeout: 60_000,
  memory: 256,
  logs: 10 * 1024 * 1024,
  concurrency: 1,
});

export const LIMIT_RANGES: Readonly<Record<keyof ActionLimits, readonly [number, number]>> = Object.freeze({
  timeout: [100, 300_000],
  memory: [128, 512],
  logs: [0, 10 * 1024 * 1024],
  concurrency: [1, 500],
});
