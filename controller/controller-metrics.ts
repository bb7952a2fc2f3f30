// The controller's OpenTelemetry metrics and its access log. Requests are counted by route
// template (never by raw path: names and ids would make a series per entity), status and method;
// refusals (401/403/404/413/429/503) and blocking calls that ran out of wait (202 after
// ?blocking=true) have counters of their own; activations published and completions received
// (with their lag behind the bus's timestamp) are counted on the bus the load balancer uses.
// Instruments come from @opentelemetry/api: without a metrics SDK (the default) each is a no-op.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createNoopMeter, metrics, type Counter, type Histogram } from '@opentelemetry/api';
import type { MessageBus } from '../shared/bus/message-bus.js';
import type { Topics } from '../shared/bus/topics.js';
import { ATTR } from '../shared/tracing/attributes.js';

/** The statuses an operator watches for: auth, not found, too large, throttled, unavailable. */
const REFUSALS = new Set([401, 403, 404, 413, 429, 503]);
const COLLECTIONS = new Set(['actions', 'activations', 'triggers', 'rules', 'packages', 'limits']);

/** The route template of a request path, e.g. /api/v1/namespaces/{namespace}/actions/{name}. */
export function routeOf(path: string): string {
  const s = path.split('?')[0]!.split('/').filter((x) => x.length > 0);
  if (s.length === 0) return '/';
  if (s[0] === 'ping' && s.length === 1) return '/ping';
  if (s[0] === 'invokers') return ['/invokers', '/invokers/healthy/count', '/invokers/ready'].find((r) => r === `/${s.join('/')}`) ?? 'unmatched';
  if (s[0] === 'api' && s[1] === 'gw') return '/api/gw/{namespace}/{path}';
  if (s[0] !== 'api' || s[1] !== 'v1') return 'unmatched';
  if (s[2] === 'web') return s[3] === 'whisk.system' ? '/api/v1/web/whisk.system/{package}/{action}' : '/api/v1/web/{namespace}/{package}/{action}';
  if (s.length === 2) return '/api/v1';
  if (s[2] !== 'namespaces') return 'unmatched';
  if (s.length === 3) return '/api/v1/namespaces';
  const ns = s[3] === 'whisk.system' ? 'whisk.system' : '{namespace}';
  if (s.length === 4) return `/api/v1/namespaces/${ns}`;
  const collection = s[4]!;
  if (!COLLECTIONS.has(collection)) return 'unmatched';
  const base = `/api/v1/namespaces/${ns}/${collection}`;
  if (s.length === 5) return base;
  if (collection === 'activations') return s.length === 7 && (s[6] === 'logs' || s[6] === 'result') ? `${base}/{id}/${s[6]}` : s.length === 6 ? `${base}/{id}` : 'unmatched';
  if (collection === 'triggers' && s.length === 7 && s[6] === 'deadletters') return `${base}/{name}/deadletters`;
  return `${base}/{name}`;
}

export class ControllerMetrics {
  readonly #requests: Counter;
  readonly #duration: Histogram;
  readonly #refusals: Counter;
  readonly #blockingTimeouts: Counter;
  readonly #published: Counter;
  readonly #completions: Counter;
  readonly #completionLag: Histogram;
  readonly #controller: string;
  readonly #accessLog: boolean;
  /**
   * Whether a metrics SDK was registered before this controller started. Without one every
   * instrument is the API's shared no-op, and answered() would build a route template, attributes
   * and a regex test per request for nothing (~5 µs of every warm invoke).
   */
  readonly #counting: boolean;

  constructor(controllerId: string, options: { accessLog?: boolean } = {}) {
    this.#controller = controllerId;
    this.#accessLog = options.accessLog ?? false;
    const meter = metrics.getMeter('photon');
    this.#requests = meter.createCounter('photon.controller.requests', { description: 'REST requests answered, by route template, method and status' });
    this.#duration = meter.createHistogram('photon.controller.request.duration', { unit: 'ms', description: 'From the request arriving to its answer being written, by route template and status' });
    this.#refusals = meter.createCounter('photon.controller.refusals', { description: 'Requests answered 401, 403, 404, 413, 429 or 503, by status and route template' });
    this.#blockingTimeouts = meter.createCounter('photon.controller.blocking.timeouts', { description: 'Blocking invokes answered 202 because the result did not come within the blocking wait' });
    this.#published = meter.createCounter('photon.controller.activations.published', { description: "Activations published to an invoker's topic" });
    this.#completions = meter.createCounter('photon.controller.completions', { description: 'Completion messages received from invokers' });
    this.#completionLag = meter.createHistogram('photon.controller.completion.lag', { unit: 'ms', description: 'From the bus accepting a completion to this controller receiving it' });
    // The no-op meter hands out one shared instrument of each kind: ours is it only without an SDK.
    this.#counting = this.#requests !== createNoopMeter().createCounter('photon.controller.requests');
  }

  /** False without a metrics SDK and without the access log: answered() would do nothing (http-server.ts skips it). */
  get active(): boolean {
    return this.#counting || this.#accessLog;
  }

  /** Call once per answered request (http-server.ts). Writes the access log line when it is on. */
  answered(req: IncomingMessage, res: ServerResponse, status: number, startedAt: number): void {
    if (!this.active) return;
    const route = routeOf(req.url ?? '/');
    const method = req.method ?? 'GET';
    const ms = performance.now() - startedAt;
    const attrs = { [ATTR.httpRoute]: route, [ATTR.httpMethod]: method, [ATTR.httpStatus]: status, [ATTR.controller]: this.#controller };
    this.#requests.add(1, attrs);
    this.#duration.record(ms, attrs);
    if (REFUSALS.has(status)) this.#refusals.add(1, attrs);
    const activationId = res.getHeader('x-openwhisk-activation-id');
    // A blocking invoke answered 202 with an id: the wait ran out (or the controller is stopping).
    if (status === 202 && method === 'POST' && typeof activationId === 'string' && /[?&]blocking=true(&|$)/.test(req.url ?? '')) {
      this.#blockingTimeouts.add(1, { [ATTR.controller]: this.#controller });
    }
    if (this.#accessLog) {
      const requestId = res.getHeader('x-request-id');
      console.log(JSON.stringify({
        time: new Date().toISOString(), controller: this.#controller, method, route, path: (req.url ?? '/').split('?')[0], status,
        durationMs: Math.round(ms * 10) / 10, ...(typeof activationId === 'string' ? { activationId } : {}),
        ...(typeof requestId === 'string' ? { requestId } : {}),
      }));
    }
  }

  /** The bus as the load balancer should see it: publishes to invoker topics and completions counted. */
  metered(bus: MessageBus, topics: Topics): MessageBus {
    // Nothing to count: the bus as it is, without a wrapper around every publish and completion.
    if (!this.#counting) return bus;
    const invokerTopic = topics.invoker('');
    const completedTopic = topics.completed('');
    const attrs = { [ATTR.controller]: this.#controller };
    return {
      system: bus.system,
      ensureTopics: (t, o) => bus.ensureTopics(t, o),
      hasTopic: (t) => bus.hasTopic(t),
      lag: (t, g) => bus.lag(t, g),
      close: () => bus.close(),
      publish: async (topic, messages) => {
        await bus.publish(topic, messages);
        if (topic.startsWith(invokerTopic)) this.#published.add(messages.length, { ...attrs, [ATTR.invoker]: topic.slice(invokerTopic.length) });
      },
      subscribe: (options) => {
        if (!options.topic.startsWith(completedTopic)) return bus.subscribe(options);
        return bus.subscribe({
          ...options,
          handle: (m) => {
            this.#completions.add(1, attrs);
            if (m.timestamp !== undefined) this.#completionLag.record(Math.max(0, Date.now() - m.timestamp), attrs);
            return options.handle(m);
          },
        });
      },
    };
  }
}
