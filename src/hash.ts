/** The one content digest the project names things by: versions, cache keys, blobs, migrations. */
import { createHash } from 'node:crypto';

/** SHA-256 of `data` (a string as UTF-8), lower-case hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
