-- AlterTable
ALTER TABLE "agents" ADD COLUMN     "long_description" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "version" TEXT NOT NULL DEFAULT '1.0.0';

-- CreateIndex
CREATE INDEX "workflow_templates_updated_at_id_idx" ON "workflow_templates"("updated_at" DESC, "id" DESC);

