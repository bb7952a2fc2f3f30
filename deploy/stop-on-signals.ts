// One shutdown for every entry point: on the first SIGTERM or SIGINT, close the given parts in
// order (services before the bus and stores they use), then exit. A second signal is ignored so
// that a drain is not cut short by an impatient Ctrl-C.
export function stopOnSignals(what: string, verb: string, parts: Array<{ close(): Promise<void> } | { shutdown(): Promise<void> }>): void {
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`${what}: ${signal}, ${verb}`);
    let code = 0;
    for (const part of parts) {
      try {
        await ('close' in part ? part.close() : part.shutdown());
      } catch (err) {
        console.error(`${what}: shutdown step failed:`, err);
        code = 1;
      }
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
