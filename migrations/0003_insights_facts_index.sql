-- Insights read analytics facts by (store, kind, time) and need only these columns: a partial covering
-- index lets every chart query run as an index-only scan instead of visiting heap pages spread over months.
-- (Hand-written: drizzle's index builder has no INCLUDE.)
CREATE INDEX IF NOT EXISTS "events_facts_idx" ON "events" USING btree ("store_id", "kind", "created_at")
  INCLUDE ("conversation_id", "id", "data")
  WHERE "kind" IN ('opened', 'handoff', 'answer', 'first_response', 'rating');--> statement-breakpoint
-- Handoffs are filtered to fresh ones (from the AI); without statistics on that expression the planner
-- guesses 0.5% of rows and picks sort-heavy plans.
CREATE STATISTICS IF NOT EXISTS "events_handoff_from_stats" ON (coalesce("data"->>'from', 'bot')) FROM "events";
