-- Kraken's private REST call counter as the client last booked it (src/kraken/rate.ts), per API key, so a
-- restarted daemon starts from it decayed instead of from zero: Kraken's own counter does not restart
-- with us. key_hash is a hash of the API key (as in key_leases), never the key itself. `level` is in
-- counter points; `at` is epoch ms on the daemon's clock (the market clock in a replay).
CREATE TABLE kraken_rate_counter (
  key_hash TEXT    PRIMARY KEY,
  level    REAL    NOT NULL CHECK (level >= 0),
  at       INTEGER NOT NULL
);
