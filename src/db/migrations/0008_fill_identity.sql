-- A fill is identified by its pair and the venue's trade number, '<pair>:<trade_id>' (src/trading/fill-id.ts):
-- Kraken numbers trades per pair, so the bare number of one pair's fill could equal another's and the
-- second was dropped as a repeat. Rows written before carry the bare number (live) or the paper venue's
-- own id; both get their pair in front, which is the key every path now computes for the same trade,
-- so a fill recovered again after this migration finds its row. Old ids hold no ':'; pairs hold none.
UPDATE fills SET trade_id = pair || ':' || trade_id WHERE instr(trade_id, ':') = 0;
