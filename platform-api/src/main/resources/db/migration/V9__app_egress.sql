-- Outbound access (egress NAT) from an app's instances and one-off runs; builds always have it (package registries).
ALTER TABLE app ADD COLUMN egress boolean NOT NULL DEFAULT true;
