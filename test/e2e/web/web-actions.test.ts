// Web actions on real isolates bound to real network namespaces (root): the same cases as the unit
// tier, with isolation on. Address ids 60160–60223 (this block is 60160–60287).
import { describeWebActions } from '../../unit/web/web-action-cases.js';

describeWebActions('isolation on', { isolation: 'on', namespaceIdBase: 60160, namespaceIdCount: 64, blockingWaitMs: 3_000 });
