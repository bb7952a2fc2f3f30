import { afterEach } from 'vitest';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import { busConformance } from '../../harness/bus-conformance.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';

const buses: InProcessBus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});

busConformance('in-process', () => {
  const bus = new InProcessBus();
  buses.push(bus);
  const prefix = uniquePrefix('ip');
  return { bus: () => bus, topic: (name) => prefix + name, marksFirstDelivery: true };
});
