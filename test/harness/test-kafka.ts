// A Kafka fixture for one test file: a unique topic/group prefix, an admin client, and a cleanup
// that deletes every topic made under the prefix.
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { kafkaBrokers } from './services.js';
import { uniquePrefix } from './unique-prefix.js';

export interface TestKafka {
  brokers: string[];
  prefix: string;
  kafka: Kafka;
  admin: Admin;
  /** Creates `prefix + name` and returns the full topic name. */
  topic(name: string, partitions?: number): Promise<string>;
  cleanup(): Promise<void>;
}

export async function testKafka(label: string): Promise<TestKafka> {
  const brokers = kafkaBrokers();
  const prefix = uniquePrefix(label);
  const kafka = new Kafka({ clientId: prefix, brokers, logLevel: logLevel.ERROR, retry: { retries: 5 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`Kafka at ${brokers.join(',')} does not answer (start it: deploy/local/kafka.sh up, or set KAFKA_BROKERS): ${String(err)}`);
  }
  return {
    brokers,
    prefix,
    kafka,
    admin,
    async topic(name, partitions = 1) {
      const topic = prefix + name;
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
      return topic;
    },
    async cleanup() {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
