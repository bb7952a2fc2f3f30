// The code of an action PUT, checked before it is stored: its size against the code limit
// (OpenWhisk's 48 MB on exec.code, base64 included) and, for an archive, that it can be read
// within the archive limits. A corrupt archive or a zip bomb is refused here with a 400 that says
// what is wrong, so an invoker never meets one that was accepted.
import type { ActionExec } from '../shared/model/action.js';
import { ArchiveError, DEFAULT_ARCHIVE_LIMITS, decodeBase64, readArchive, type ArchiveLimits } from '../shared/archive/action-archive.js';
import { ApiError } from './api-error.js';

/** Request bodies of action PUTs may carry the code plus a payload's worth of parameters and annotations. */
export function actionBodyLimit(config: { codeLimitBytes: number; payloadLimitBytes: number }): number {
  return config.codeLimitBytes + config.payloadLimitBytes;
}

export async function checkActionCode(exec: ActionExec, codeLimitBytes: number, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<void> {
  const size = Buffer.byteLength(exec.code);
  if (size > codeLimitBytes) {
    throw new ApiError(413, `The request content was malformed:\nexec.code is ${size} bytes, larger than the allowed ${codeLimitBytes} bytes (the action code limit).`);
  }
  if (!exec.binary) return;
  try {
    await readArchive(await decodeBase64(exec.code), { limits });
  } catch (e) {
    if (e instanceof ArchiveError) throw new ApiError(400, e.message);
    throw e;
  }
}
