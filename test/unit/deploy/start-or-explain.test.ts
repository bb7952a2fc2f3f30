// The operator's one line for a failed start names the variable that fixes it, whichever Kafka
// client the bus uses (the e2e start-up test drives the real clients against a port that is not Kafka).
import { describe, expect, it } from 'vitest';
import { explainStartError } from '../../../deploy/start-or-explain.js';

const withCode = (message: string, name: string, code?: string): Error => Object.assign(new Error(message), { name }, code ? { code } : {});

describe('explainStartError', () => {
  it('says "Kafka did not answer" and names PHOTON_KAFKA_BROKERS for kafkajs and @platformatic/kafka errors', () => {
    for (const err of [withCode('Connection error', 'KafkaJSConnectionError'), withCode('Listing topics failed.', 'MultipleErrors', 'PLT_KFK_MULTIPLE'), withCode('Connection closed', 'NetworkError', 'PLT_KFK_NETWORK')]) {
      const line = explainStartError(err);
      expect(line).toMatch(/^Kafka did not answer: /);
      expect(line).toContain('PHOTON_KAFKA_BROKERS');
    }
  });

  it('does not blame Kafka for an unrelated error', () => {
    expect(explainStartError(withCode('boom', 'Error', 'ERR_OTHER'))).not.toContain('PHOTON_KAFKA_BROKERS');
  });
});
