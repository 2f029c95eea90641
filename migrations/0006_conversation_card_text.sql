ALTER TABLE "conversations" ADD COLUMN "last_rider_text" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "last_rider_at" timestamp with time zone;--> statement-breakpoint
-- Existing conversations: the inbox read the rider's latest message with a subquery per card on every render.
UPDATE "conversations" c SET "last_rider_text" = l."body", "last_rider_at" = l."created_at"
FROM (
  SELECT DISTINCT ON (m."conversation_id") m."conversation_id", m."body", m."created_at" FROM "messages" m
  WHERE m."author" = 'customer' ORDER BY m."conversation_id", m."created_at" DESC, m."id" DESC
) l WHERE l."conversation_id" = c."id";
