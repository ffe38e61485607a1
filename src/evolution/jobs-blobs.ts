/**
 * Content-addressed blobs in Redis (candles, strategy bundles, job contexts, trial lists): the evolver
 * puts each once under its sha256, a worker fetches it once and keeps it in memory and in its cache
 * folder, checking the hash at every read. So a worker never needs a path on the daemon's disk, and the
 * 38 MB of a 9-pair year cross the network once per worker, not once per job. Blobs expire `ttlDays`
 * after their last put (Redis runs with noeviction: nothing else would ever free them).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from '../redis/connect.ts';
import { sha256 } from '../hash.ts';
import { BrainError } from '../contract/errors.ts';
import { writeFileAtomic } from '../files.ts';

export interface BlobStore {
  /** Stores the bytes (once per process and hash) and returns their sha256. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes of `hash`, from memory, the cache folder or Redis; throws when Redis does not hold them. */
  get(hash: string): Promise<Uint8Array>;
}

export class BlobMissingError extends BrainError<'blob_missing'> {
  override readonly name = 'BlobMissingError';
  constructor(message: string) {
    super(message, { domain: 'evolution', code: 'blob_missing', retryable: false });
  }
}

/** Blobs kept in memory per process: a dataset, its context, a bundle or two, recent trial lists. */
const IN_MEMORY = 8;

export function redisBlobs(client: Redis, opts: { prefix: string; ttlDays: number; cacheDir?: string }): BlobStore {
  const key = (hash: string) => `${opts.prefix}:blob:${hash}`;
  const ttl = Math.round(opts.ttlDays * 86_400);
  const stored = new Map<string, Promise<void>>();
  const memory = new Map<string, Promise<Uint8Array>>();
  const remember = (hash: string, bytes: Promise<Uint8Array>) => {
    memory.delete(hash);
    memory.set(hash, bytes);
    for (const old of memory.keys()) if (memory.size > IN_MEMORY) memory.delete(old);
    bytes.catch(() => memory.delete(hash));
    return bytes;
  };

  const fromCache = (hash: string): Uint8Array | null => {
    if (!opts.cacheDir) return null;
    try {
      const bytes = readFileSync(join(opts.cacheDir, hash));
      return sha256(bytes) === hash ? bytes : null;
    } catch {
      return null;
    }
  };
  const toCache = (hash: string, bytes: Uint8Array) => {
    if (!opts.cacheDir) return;
    mkdirSync(opts.cacheDir, { recursive: true });
    writeFileAtomic(join(opts.cacheDir, hash), bytes);
  };
  const fetch = async (hash: string): Promise<Uint8Array> => {
    const cached = fromCache(hash);
    if (cached) return cached;
    const bytes = await client.getBuffer(key(hash));
    if (bytes === null)
      throw new BlobMissingError(
        `blob sha256:${hash} is not in Redis (${key(hash)}): it expired after ${opts.ttlDays} days or was never put; the evolver puts it again when it resubmits the job`,
      );
    if (sha256(bytes) !== hash)
      throw new BrainError(`blob ${key(hash)} does not hash to its name: Redis holds corrupt data; delete the key and resubmit`, {
        domain: 'evolution',
        code: 'blob_corrupt',
        retryable: false,
      });
    toCache(hash, bytes);
    return bytes;
  };

  return {
    async put(bytes) {
      const hash = sha256(bytes);
      void remember(hash, Promise.resolve(bytes));
      let done = stored.get(hash);
      if (!done) {
        // SET NX keeps an identical blob already there; EXPIRE then restarts its clock either way.
        done = client
          .set(key(hash), Buffer.from(bytes), 'EX', ttl, 'NX')
          .then(() => client.expire(key(hash), ttl))
          .then(() => undefined);
        stored.set(hash, done);
        done.catch(() => stored.delete(hash));
      }
      await done;
      return hash;
    },
    get: (hash) => memory.get(hash) ?? remember(hash, fetch(hash)),
  };
}
