CREATE TABLE "insights_daily" (
	"store_id" text NOT NULL,
	"time_zone" text NOT NULL,
	"day" date NOT NULL,
	"local_day" date,
	"metric" text NOT NULL,
	"key" text,
	"ref" date,
	"ref2" date,
	"value" double precision,
	"due_at" timestamp with time zone,
	"n" integer NOT NULL,
	"late" integer DEFAULT 0 NOT NULL,
	"waits" double precision[],
	"targets" double precision[]
);
--> statement-breakpoint
CREATE TABLE "insights_days" (
	"store_id" text NOT NULL,
	"time_zone" text NOT NULL,
	"day" date NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "insights_days_store_id_time_zone_day_pk" PRIMARY KEY("store_id","time_zone","day")
);
--> statement-breakpoint
CREATE TABLE "insights_watermarks" (
	"time_zone" text PRIMARY KEY NOT NULL,
	"event_id" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "insights_daily_idx" ON "insights_daily" USING btree ("store_id","time_zone","metric","day");