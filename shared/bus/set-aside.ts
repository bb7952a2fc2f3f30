// What a consumer does with a message it cannot decode (or whose version it does not know): log
// it with its topic, partition and offset, count it (metric photon.messages.set_aside), and
// acknowledge it so the partition moves on. Never a crash, never a retry loop.
import { metrics, type Counter } from '@opentelemetry/api';
import { ATTR } from '../tracing/attributes.js';
import type { BusMessage } from './message-bus.js';

let counter: Counter | undefined;

export function setAside(who: string, message: BusMessage, reason: string): void {
  console.error(`${who}: setting aside ${message.topic}[${message.partition ?? 0}]@${message.offset ?? '?'}: ${reason}`);
  // Created on first use: the metrics SDK (deploy/) is registered after this module is loaded.
  counter ??= metrics.getMeter('photon').createCounter('photon.messages.set_aside', { description: 'Bus messages that could not be decoded or had an unknown version, acknowledged without effect' });
  counter.add(1, { [ATTR.messagingDestination]: message.topic });
}
