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

export const TRACER_NAME = 'photon';
