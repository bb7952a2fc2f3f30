// Holds on a tenant's queued activations after one of its activations ran to its time limit while
// more of its own were queued (issue 13: a CPU hog). Only a pool that has someone to decide for it
// holds (a sandbox's pool: its supervisor): without the hold, the capacity the timed-out isolate
// frees goes at once to the hog's next queued loops, which then spin beside the other tenants of
// that sandbox for a whole time limit more before the supervisor has even heard of the timeout.
// With it, the supervisor decides first (quarantine: it withdraws the held activations and they
// run in the tenant's quarantine sandbox) and then lifts the hold, whatever it decided. A hold is
// put by the isolate that timed out (its id), at the moment its time limit disposed it: that is
// when its capacity is freed, before the activation's outcome even exists.

/**
 * Contract: a tenant is held from hold(tenant, by) until every holder that held it was released;
 * release() of a holder that holds nothing is a no-op; holding() answers whether a holder's hold
 * is still in force.
 */
export class TenantHolds {
  private readonly byTenant = new Map<string, Set<string>>();
  private readonly tenantOf = new Map<string, string>();

  hold(tenant: string, by: string): void {
    let ids = this.byTenant.get(tenant);
    if (!ids) this.byTenant.set(tenant, (ids = new Set()));
    ids.add(by);
    this.tenantOf.set(by, tenant);
  }

  /** Lifts the hold `by` put; true when its tenant is then free. */
  release(by: string): boolean {
    const tenant = this.tenantOf.get(by);
    if (tenant === undefined) return false;
    this.tenantOf.delete(by);
    const ids = this.byTenant.get(tenant);
    ids?.delete(by);
    if (ids && ids.size > 0) return false;
    this.byTenant.delete(tenant);
    return true;
  }

  holding(by: string): boolean {
    return this.tenantOf.has(by);
  }

  held(tenant: string): boolean {
    return this.byTenant.has(tenant);
  }

  get empty(): boolean {
    return this.byTenant.size === 0;
  }
}
