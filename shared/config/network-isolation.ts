// PHOTON_NETWORK_ISOLATION, parsed in this one place with one set of values: `on` or `off`
// (case and surrounding blanks ignored); unset or empty means the caller's default.

export type NetworkIsolation = 'on' | 'off';

export function parseNetworkIsolation(raw: string | undefined): NetworkIsolation | undefined {
  const v = (raw ?? '').trim().toLowerCase();
  if (v === '') return undefined;
  if (v === 'on' || v === 'off') return v;
  throw new Error(`PHOTON_NETWORK_ISOLATION must be 'on' or 'off', not '${raw}'`);
}
