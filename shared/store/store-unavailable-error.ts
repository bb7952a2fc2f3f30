// The state store cannot be reached right now: unlike other failures a retry may succeed, so the API answers 503, not 500.
export class StoreUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The state store (Redis) is unavailable; retry shortly.', options);
    this.name = 'StoreUnavailableError';
  }
}
