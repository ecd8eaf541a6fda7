-- A membership keeps the period it was joined on; existing memberships take their plan's period as it is now.
ALTER TABLE "memberships" ADD COLUMN "period_days" INTEGER;
UPDATE "memberships" m SET "period_days" = p."period_days" FROM "membership_plans" p WHERE p."id" = m."plan_id";
ALTER TABLE "memberships" ALTER COLUMN "period_days" SET NOT NULL;
