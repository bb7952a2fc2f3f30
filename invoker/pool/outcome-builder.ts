// Turns what the guest answered (or why it could not answer) into OpenWhisk's ActivationResponse,
// and says what must happen to the isolate afterwards.
import type { ActivationResponse } from '../../shared/model/activation-record.js';
import type { RunResult } from '../isolate/isolate-runtime.js';
import { MESSAGES, applicationError, developerError, internalError, response } from './activation-outcome.js';

/** keep: back to the pool; retire: dispose once idle (developer error); gone: already disposed. */
export type IsolateFate = 'keep' | 'retire' | 'gone';

export interface Classified {
  response: ActivationResponse;
  timedOut: boolean;
  fate: IsolateFate;
  /** A line for the activation's log saying why the platform stopped it. */
  note?: string;
}

export function classify(result: RunResult, timeoutMs: number, resultLimit: number): Classified {
  switch (result.kind) {
    case 'ok': {
      const size = Buffer.byteLength(result.json);
      if (size > resultLimit) {
        return { response: applicationError(MESSAGES.tooLarge(size, resultLimit, result.json.slice(0, 1024))), timedOut: false, fate: 'keep' };
      }
      const value = JSON.parse(result.json) as Record<string, unknown>;
      // OpenWhisk: a dictionary with an `error` field is an application error, the isolate stays.
      const status = Object.prototype.hasOwnProperty.call(value, 'error') ? 'application error' : 'success';
      return { response: response(status, value, size), timedOut: false, fate: 'keep' };
    }
    case 'application-error':
      return { response: applicationError(result.error), timedOut: false, fate: 'keep' };
    case 'too-large':
      return { response: applicationError(MESSAGES.tooLarge(result.length, resultLimit, result.truncated)), timedOut: false, fate: 'keep' };
    case 'developer-error':
      return { response: developerError(result.message), timedOut: false, fate: 'retire' };
    case 'aborted':
      if (result.reason === 'timeout' && result.own) {
        const message = MESSAGES.timeout(timeoutMs);
        return { response: developerError(message), timedOut: true, fate: 'gone', note: message };
      }
      if (result.reason === 'timeout') return { response: developerError(MESSAGES.collateral), timedOut: false, fate: 'gone', note: MESSAGES.collateral };
      if (result.reason === 'memory') return { response: developerError(MESSAGES.memory), timedOut: false, fate: 'gone', note: MESSAGES.memory };
      return {
        response: internalError(`The isolate was disposed (${result.reason}) while the activation ran: ${result.message}`),
        timedOut: false,
        fate: 'gone',
      };
  }
}
