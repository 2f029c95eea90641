DROP INDEX "conversations_status_idx";--> statement-breakpoint
CREATE INDEX "conversations_store_queue_idx" ON "conversations" USING btree ("store_id","status","priority_rank","waiting_since");