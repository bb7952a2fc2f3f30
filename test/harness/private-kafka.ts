// A Kafka broker of a test's own (deploy/local/kafka.sh on another port and run dir), for tests
// that restart or stop the broker and must not disturb the shared one other tests use.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../../deploy/local/kafka.sh');

export interface PrivateKafka {
  brokers: string[];
  restart(): Promise<void>;
  down(): Promise<void>;
}

export async function privateKafka(port: number): Promise<PrivateKafka> {
  const dir = mkdtempSync(join(tmpdir(), 'photon-kafka-'));
  const env = { ...process.env, KAFKA_PORT: String(port), PHOTON_RUN_DIR: dir };
  const kafka = (command: string) => run(script, [command], { env, timeout: 180_000 });
  await kafka('up');
  return {
    brokers: [`127.0.0.1:${port}`],
    restart: async () => { await kafka('restart'); },
    down: async () => {
      await kafka('down');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
