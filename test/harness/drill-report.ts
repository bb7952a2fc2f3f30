// The account of a failure drill: every accepted activation must end with a record. Waits (up to
// a deadline) for the records, then prints and returns `drill: sent N, completed C, failed F,
// lost L` — completed are successes, failed are records with any other status (a failure the
// platform recorded), lost are accepted activations without a record.
import type { ActivationRecord } from '../../shared/model/activation-record.js';
import type { Stores } from '../../shared/store/stores.js';
import { waitFor } from './wait-for.js';

export interface DrillReport {
  sent: number;
  completed: number;
  failed: number;
  lost: number;
  records: Map<string, ActivationRecord>;
}

export async function drillReport(name: string, stores: Stores, sent: number, acceptedIds: readonly string[], timeoutMs = 90_000): Promise<DrillReport> {
  const records = new Map<string, ActivationRecord>();
  try {
    await waitFor(`records for all ${acceptedIds.length} accepted activations`, async () => {
      for (const id of acceptedIds) {
        if (records.has(id)) continue;
        const r = await stores.activations.get(id);
        if (r) records.set(id, r);
      }
      return records.size === acceptedIds.length;
    }, { timeoutMs, intervalMs: 250 });
  } catch {
    // Counted below as lost: the caller's assertion says how many.
  }
  const completed = [...records.values()].filter((r) => r.response.status === 'success').length;
  const report = { sent, completed, failed: records.size - completed, lost: acceptedIds.length - records.size, records };
  console.log(`drill: sent ${report.sent}, completed ${report.completed}, failed ${report.failed}, lost ${report.lost} (${name})`);
  return report;
}
