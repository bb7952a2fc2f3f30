import { describe, expect, it } from 'vitest';
import { DEFAULT_KAFKA_CLIENT } from '../../../shared/bus/kafka-client.js';
import { serviceEnv } from '../../../shared/config/service-env.js';

describe('serviceEnv: PHOTON_KAFKA_CLIENT', () => {
  it('defaults to DEFAULT_KAFKA_CLIENT when unset or empty', () => {
    expect(serviceEnv({}).kafkaClient).toBe(DEFAULT_KAFKA_CLIENT);
    expect(serviceEnv({ PHOTON_KAFKA_CLIENT: '' }).kafkaClient).toBe(DEFAULT_KAFKA_CLIENT);
  });

  it('takes either client by name', () => {
    expect(serviceEnv({ PHOTON_KAFKA_CLIENT: 'kafkajs' }).kafkaClient).toBe('kafkajs');
    expect(serviceEnv({ PHOTON_KAFKA_CLIENT: 'platformatic' }).kafkaClient).toBe('platformatic');
  });

  it('refuses any other value instead of silently falling back (a typo must not switch clients unseen)', () => {
    for (const bad of ['Platformatic', 'kafka', ' kafkajs', '@platformatic/kafka']) {
      expect(() => serviceEnv({ PHOTON_KAFKA_CLIENT: bad })).toThrow(/PHOTON_KAFKA_CLIENT must be one of kafkajs, platformatic/);
    }
  });
});
