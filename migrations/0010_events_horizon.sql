-- Two steps: a volatile default given with ADD COLUMN would rewrite the table, computing it for every stored event;
-- stored events keep null (a reconnect then replays no late commits below them, as before).
ALTER TABLE "events" ADD COLUMN "horizon" bigint;--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "horizon" SET DEFAULT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint);
