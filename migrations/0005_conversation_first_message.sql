ALTER TABLE "conversations" ADD COLUMN "first_message_at" timestamp with time zone;--> statement-breakpoint
-- Conversations already holding messages: the inbox filtered on "has a message" with a subquery over every message.
UPDATE "conversations" c SET "first_message_at" = (SELECT min(m."created_at") FROM "messages" m WHERE m."conversation_id" = c."id");
