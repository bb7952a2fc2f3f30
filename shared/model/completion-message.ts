// What an invoker publishes to the scheduling controller's completion topic once the record is
// durable: the record itself for blocking calls (so the HTTP answer needs no store read), or just
// the id for non-blocking ones. `systemError` feeds the controller's view of invoker health.
import type { ActivationRecord } from './activation-record.js';

export const COMPLETION_MESSAGE_VERSION = 1;

export interface CompletionMessage {
  v: typeof COMPLETION_MESSAGE_VERSION;
  activationId: string;
  invoker: string;
  systemError: boolean;
  /** Present for blocking activations whose record fits the message limit. */
  record?: ActivationRecord;
}
