import { createMemoryStores } from '../../../shared/store/memory-stores.js';
import { storeConformance } from './store-conformance.js';

storeConformance('memory', async (options) => ({ stores: createMemoryStores(options), cleanup: async () => undefined }));
