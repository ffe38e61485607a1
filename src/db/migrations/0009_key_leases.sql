-- One trader per Kraken API key (src/lock/key-lease.ts, docs/scale-out.md): the lease a live daemon
-- takes at boot and renews while it runs. key_hash is a hash of the API key, never the key itself.
-- Times are epoch ms (UTC, wall clock). A lease whose expires_at has passed may be taken over.
CREATE TABLE key_leases (
  key_hash     TEXT    PRIMARY KEY,
  -- Unique per holding process (host:pid:random), so a restarted daemon with a recycled pid is not the holder.
  holder       TEXT    NOT NULL,
  host         TEXT    NOT NULL,
  pid          INTEGER NOT NULL,
  acquired_at  INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL CHECK (expires_at >= heartbeat_at)
);
