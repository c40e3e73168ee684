-- /metrics reports the sum of `interrupted` (possible duplicates) at every scrape. The outbox is
-- never pruned, so a sum over all of it would grow with every message ever sent; a partial index
-- holds only the rows that were ever cut off mid-send, and covers the column the sum reads.
CREATE INDEX ix_outbox_interrupted ON outbox (interrupted) WHERE interrupted > 0;
