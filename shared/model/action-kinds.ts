// The canonical action kinds both sides agree on: what an action's exec.kind holds once the
// controller has resolved its aliases (controller/kinds/), and what the invoker looks its runtime
// up by (invoker/kinds/).

/** The one Node.js runtime photon has. */
export const NODEJS_KIND = 'nodejs:20';

/** OpenWhisk's sequence: run by the controller (controller/compositions/), never by an invoker. */
export const SEQUENCE_KIND = 'sequence';
