-- The USD a fill lost to slippage against its reference price (paper: the fill model's charge), so the
-- ledger rebuilt at boot, the reports and the drift check see the same figure the fill had. NULL where
-- no reference is known (venue fills recorded before this column, live fills).
ALTER TABLE fills ADD COLUMN slippage_cost REAL CHECK (slippage_cost IS NULL OR slippage_cost >= 0);
