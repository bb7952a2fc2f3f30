// Which isolated-vm binary this process loaded. photon's install builds isolated-vm 7.0.1 from
// source with deploy/isolated-vm/snapshot-user-context.patch and native-digest.patch (postinstall.ts);
// where that build cannot run (no compiler) it falls back to upstream's prebuilt binary. Both run
// every action the same: the patched one makes an isolate from the layer's snapshot deserialise the
// snapshot's context once (into the context photon asks for) instead of twice (also into the
// default context isolated-vm's constructor makes): a shorter `new Isolate` from the snapshot;
// and (native-digest.patch, applied with it) gives each context a native one-shot digest that
// node:crypto uses instead of a host call (guest-builtins.js takes it; the prebuilt one has none).
import ivm from 'isolated-vm';

/**
 * The build in use. Contract: `patch` is the name the patched addon exports (`ivm.photonPatch`),
 * null for the prebuilt binary; `tag` names the build in anything that must not cross from one
 * build to the other (a handed layer snapshot: the patched build keeps the layer in an added
 * context, which the prebuilt one would not read).
 */
export interface IsolatedVmBuild {
  readonly patch: string | null;
  readonly tag: string;
}

const exported: unknown = (ivm as unknown as { readonly photonPatch?: unknown }).photonPatch;
const patch = typeof exported === 'string' ? exported : null;

export const ISOLATED_VM_BUILD: IsolatedVmBuild = { patch, tag: patch === null ? 'isolated-vm prebuilt' : `isolated-vm ${patch}` };
