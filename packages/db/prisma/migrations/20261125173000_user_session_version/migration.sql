-- AlterTable
-- Bumped on sign-out: every session cookie sealed with an older version stops working.
ALTER TABLE "users" ADD COLUMN     "session_version" INTEGER NOT NULL DEFAULT 0;
