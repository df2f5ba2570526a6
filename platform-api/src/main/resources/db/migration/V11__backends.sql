-- Where a tenant's or an app's instances run: 'local' (Gantry's engine) or 'kubernetes' (the configured cluster).
-- Null inherits: an app from its tenant, a tenant from the platform's default (local).
ALTER TABLE tenant ADD COLUMN backend varchar(32);
ALTER TABLE app ADD COLUMN backend varchar(32);
