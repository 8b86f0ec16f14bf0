-- Page bodies are JSON that pglz compresses well, but compressing them on ingest and decompressing them on every
-- claim cost more CPU than anything else per chunk: keep them uncompressed, out of line.
ALTER TABLE chunk_bodies ALTER COLUMN data SET STORAGE EXTERNAL;

-- A claim and a lease renewal change only unindexed lease columns: room on the page lets them be HOT updates.
ALTER TABLE chunks SET (fillfactor = 70);
