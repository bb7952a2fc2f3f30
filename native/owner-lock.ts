// One live process per invoker id and host. start() reclaims everything named after its invoker
// id, which is right after a crash and disastrous if a second process with the same id is still
// running. An flock(2) on a per-id file says which case it is, and the kernel drops the lock when
// its holder dies, even by kill -9, so a crashed predecessor never blocks its successor.
import { mkdirSync } from 'node:fs';
import { O_CLOEXEC, O_CREAT, O_RDWR, close, openPath, tryLockExclusive } from './libc.js';

export const LOCK_DIR = '/run/photon';

/** Holds the lock of invoker `tag` until release(); throws if a live process already holds it. */
export class OwnerLock {
  private fd: number;

  constructor(tag: string, invokerId: string) {
    mkdirSync(LOCK_DIR, { recursive: true, mode: 0o755 });
    this.fd = openPath(`${LOCK_DIR}/${tag}.lock`, O_RDWR | O_CREAT | O_CLOEXEC, 0o644);
    if (!tryLockExclusive(this.fd)) {
      close(this.fd);
      // The code lets entry points name the setting that fixes it (PHOTON_INVOKER_ID).
      throw Object.assign(new Error(
        `photon: invoker id ${invokerId} (tag ${tag}) is already running on this host; ` +
          'its namespaces are in use, not stale. Give each invoker process its own id.',
      ), { code: 'PHOTON_INVOKER_ID_IN_USE' });
    }
  }

  release(): void {
    if (this.fd < 0) return;
    close(this.fd);
    this.fd = -1;
  }
}
