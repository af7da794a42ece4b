-- CreateTable
CREATE TABLE "cache_outbox" (
    "id" BIGSERIAL NOT NULL,
    "hard" TEXT[],
    "soft" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cache_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "cache_outbox_created_at_idx" ON "cache_outbox"("created_at");
