// Web actions on real isolates without network isolation (the e2e tier runs the same cases with it).
import { describeWebActions } from './web-action-cases.js';

describeWebActions('isolation off', { isolation: 'off', blockingWaitMs: 3_000 });
