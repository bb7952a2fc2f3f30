// What a controller publishes to an invoker's topic: a reference to the action, never its code
// (OpenWhisk's ActivationMessage, openwhisk-notes §1.2). Versioned so that mixed versions of
// controllers and invokers can tell what they are reading.

export const ACTIVATION_MESSAGE_VERSION = 1;

export interface ActivationMessage {
  v: typeof ACTIVATION_MESSAGE_VERSION;
  activationId: string;
  /** Fully qualified action: the namespace that owns it and its name. */
  action: { namespace: string; name: string; version: string };
  /** Action revision: the invoker's code cache key. */
  revision: string;
  /** Namespace of the caller (may differ from the action's for published actions). */
  namespace: string;
  /** The caller's subject (auth uuid). */
  subject: string;
  /** Parameters after merging the action's defaults under the request's. */
  params: Record<string, unknown>;
  blocking: boolean;
  /** Completion topic / controller id that waits for the result. */
  controller: string;
  /** epoch ms when the controller accepted the request: waitTime is measured from here. */
  acceptedAt: number;
  /** Activation that caused this one (trigger fires). */
  cause?: string;
  /** W3C trace context; also carried in Kafka headers. */
  traceContext?: Record<string, string>;
}
