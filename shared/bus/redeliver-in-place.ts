import type { BusMessage } from './message-bus.js';

/**
 * Runs `handle` on `message` until it succeeds, waiting `retryDelayMs` between attempts: a
 * partition cannot move past an unacknowledged message, so a failed handler is retried in place
 * (at-least-once), never skipped. Returns true once handled, false if `closing()` turned true
 * after a failure (the message stays uncommitted and is redelivered to the next consumer).
 */
export async function redeliverInPlace(handle: (m: BusMessage) => Promise<void>, message: BusMessage, retryDelayMs: number, closing: () => boolean): Promise<boolean> {
  for (let attempt = message; ; ) {
    try {
      await handle(attempt);
      return true;
    } catch (err) {
      console.error(`kafka bus: handler for ${message.topic}[${message.partition}]@${message.offset} failed; retrying`, err);
      if (closing()) return false;
      await new Promise((r) => setTimeout(r, retryDelayMs));
      // The failed attempt may have done part of its work (a record written, its completion not):
      // the next one is a redelivery.
      if (attempt.firstDelivery) {
        attempt = { ...attempt };
        delete attempt.firstDelivery;
      }
    }
  }
}
