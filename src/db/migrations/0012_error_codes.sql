-- Failures stored with their code (issue 17.6): a machine, an alert and a row read the same
-- `<domain>.<code>` (src/contract/errors.ts) instead of parsing a sentence. Additive: rows written
-- before keep NULL here, and their text (which already led with the code in brackets) is read as it was.

-- The code of the last failed send; last_error keeps the words.
ALTER TABLE telegram_outbox ADD COLUMN last_error_code TEXT;

-- The code of the failure that broke a paper test (shadow or judge); NULL when its verdict failed it.
ALTER TABLE paper_tests ADD COLUMN error_code TEXT;
