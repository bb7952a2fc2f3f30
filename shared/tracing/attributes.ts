// Span and metric attribute names, defined once. photon's own live under `photon.`; HTTP and
// messaging ones follow OpenTelemetry's semantic conventions (stable HTTP names, messaging 1.x).

export const ATTR = Object.freeze({
  activationId: 'photon.activation.id',
  action: 'photon.action',
  namespace: 'photon.namespace',
  invoker: 'photon.invoker',
  controller: 'photon.controller',
  /** warm | prewarm | cold */
  isolateStart: 'photon.isolate.start',
  isolateId: 'photon.isolate.id',
  netnsId: 'photon.netns.id',
  status: 'photon.activation.status',
  blocking: 'photon.activation.blocking',
  redelivered: 'photon.activation.redelivered',
  /** ns/name of the trigger a fire (REST, Kafka feed batch, alarm tick) is for. */
  trigger: 'photon.trigger',

  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpStatus: 'http.response.status_code',
  urlPath: 'url.path',

  messagingSystem: 'messaging.system',
  messagingDestination: 'messaging.destination.name',
  messagingOperation: 'messaging.operation.type',
  messagingMessageId: 'messaging.message.id',
  messagingConsumerGroup: 'messaging.consumer.group.name',
});

/**
 * The phases of an activation, each an attribute of the span of its process holding its duration
 * in ms (shared/tracing/in-phase.ts; README.md says why attributes and not spans or events).
 */
export const PHASE = Object.freeze({
  // on the controller's span (the HTTP request's, or a trigger fire's)
  auth: 'photon.phase.auth_ms',
  admission: 'photon.phase.admission_ms',
  placement: 'photon.phase.placement_ms',
  publish: 'photon.phase.publish_ms',
  /** From the end of the publish to the completion's arrival: the bus, the invoker and back. */
  completion: 'photon.phase.completion_ms',
  // on invoker.activation
  /** In the bus: from its acceptance of the message to the invoker taking it (Kafka: kafka.wait). */
  busWait: 'photon.phase.bus_wait_ms',
  dequeue: 'photon.phase.dequeue_ms',
  acquire: 'photon.phase.acquire_ms',
  create: 'photon.phase.create_ms',
  netns: 'photon.phase.netns_ms',
  compile: 'photon.phase.compile_ms',
  run: 'photon.phase.run_ms',
  recordStore: 'photon.phase.record_store_ms',
  /** The completion's publish (the controller's publish is `publish` on its own span). */
  completionPublish: 'photon.phase.publish_ms',
});

/** On a span whose phase threw: which phase (the exception itself is the span's `exception` event). */
export const PHASE_FAILED = 'photon.phase.failed';

export const TRACER_NAME = 'photon';
