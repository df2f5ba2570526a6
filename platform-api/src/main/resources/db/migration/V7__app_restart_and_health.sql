-- A rolling restart replaces every instance launched before restarted_at; the health check path, when set,
-- makes an instance ready on a 2xx/3xx answer to GET <path> instead of on an accepted connection.
ALTER TABLE app
    ADD COLUMN restarted_at      timestamptz,
    ADD COLUMN health_check_path text CHECK (health_check_path ~ '^/[^\s]{0,1023}$');
