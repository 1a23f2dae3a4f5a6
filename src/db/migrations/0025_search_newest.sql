-- The newest documents first, without sorting every match: a similar-tickets lookup whose words
-- are common (an eighth of all tickets) ranks a bounded sample of its matches, the newest ones,
-- and reads this index backwards until it has them (src/modules/similar/similar.repository.ts)
-- instead of building a bitmap of 100k+ matches to keep 500. Both columns are NOT NULL.
CREATE INDEX "ticket_search_newest_idx" ON "ticket_search" USING btree ("created_at" DESC NULLS LAST,"ticket_id" DESC NULLS LAST);
