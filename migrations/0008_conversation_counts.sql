CREATE TABLE "conversation_counts" (
	"store_id" text NOT NULL,
	"status" text NOT NULL,
	"assignee_id" uuid DEFAULT '00000000-0000-0000-0000-000000000000' NOT NULL,
	"shard" integer NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "conversation_counts_store_id_status_assignee_id_shard_pk" PRIMARY KEY("store_id","status","assignee_id","shard")
);
--> statement-breakpoint
-- Keeps "conversation_counts" (the inbox's tab counts) as conversations are created, change status or assignee,
-- get their first message, or go. Both rows a change touches are written by one statement in key order, so two
-- writers moving conversations between the same statuses in opposite directions lock them in the same order.
-- (The app changes one conversation a transaction; one changing several could meet another in the opposite order
-- on these rows, and PostgreSQL would then abort one of the two with a deadlock error.)
CREATE FUNCTION "pitwall_count_conversation"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "conversation_counts" AS c ("store_id", "status", "assignee_id", "shard", "n")
  SELECT k.store_id, k.status, k.assignee_id, k.shard, sum(k.n) FROM (
    SELECT OLD.store_id, OLD.status, coalesce(OLD.assignee_id, '00000000-0000-0000-0000-000000000000'::uuid), hashtext(OLD.id::text) & 7, -1
      WHERE TG_OP <> 'INSERT' AND OLD.first_message_at IS NOT NULL
    UNION ALL
    SELECT NEW.store_id, NEW.status, coalesce(NEW.assignee_id, '00000000-0000-0000-0000-000000000000'::uuid), hashtext(NEW.id::text) & 7, 1
      WHERE TG_OP <> 'DELETE' AND NEW.first_message_at IS NOT NULL
  ) k (store_id, status, assignee_id, shard, n)
  GROUP BY 1, 2, 3, 4 HAVING sum(k.n) <> 0 ORDER BY 1, 2, 3, 4
  ON CONFLICT ("store_id", "status", "assignee_id", "shard") DO UPDATE SET "n" = c."n" + excluded."n";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "conversations_count_insert" AFTER INSERT ON "conversations" FOR EACH ROW
  WHEN (NEW.first_message_at IS NOT NULL) EXECUTE FUNCTION "pitwall_count_conversation"();
--> statement-breakpoint
CREATE TRIGGER "conversations_count_update" AFTER UPDATE OF "store_id", "status", "assignee_id", "first_message_at" ON "conversations" FOR EACH ROW
  WHEN (OLD.store_id IS DISTINCT FROM NEW.store_id OR OLD.status IS DISTINCT FROM NEW.status OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
    OR (OLD.first_message_at IS NULL) <> (NEW.first_message_at IS NULL))
  EXECUTE FUNCTION "pitwall_count_conversation"();
--> statement-breakpoint
CREATE TRIGGER "conversations_count_delete" AFTER DELETE ON "conversations" FOR EACH ROW
  WHEN (OLD.first_message_at IS NOT NULL) EXECUTE FUNCTION "pitwall_count_conversation"();
--> statement-breakpoint
CREATE FUNCTION "pitwall_clear_conversation_counts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "conversation_counts";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "conversations_count_truncate" AFTER TRUNCATE ON "conversations" FOR EACH STATEMENT
  EXECUTE FUNCTION "pitwall_clear_conversation_counts"();
--> statement-breakpoint
-- The conversations there are already (the triggers above lock the table until this migration commits).
INSERT INTO "conversation_counts" ("store_id", "status", "assignee_id", "shard", "n")
SELECT "store_id", "status", coalesce("assignee_id", '00000000-0000-0000-0000-000000000000'::uuid), hashtext("id"::text) & 7, count(*)
FROM "conversations" WHERE "first_message_at" IS NOT NULL GROUP BY 1, 2, 3, 4;
