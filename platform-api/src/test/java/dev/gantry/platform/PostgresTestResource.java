package dev.gantry.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.gantry.platform.db.DatabaseUrl;
import dev.gantry.platform.db.PostgresBinaries;
import dev.gantry.platform.db.PostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real PostgreSQL for the platform's tests: the same owned server {@code ./gantry up} runs, in a temporary
 * directory on a free port, or the server named by {@code GANTRY_TEST_DB_URL}. Never an in-memory stand-in.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    /** The admin token the tests' platform is bootstrapped with (GANTRY_ADMIN_TOKEN on a first start). */
    public static final String ADMIN_TOKEN = "gantry_test-admin-token-0123456789";

    private Path dataDir;
    private PostgresServer server;

    @Override
    public Map<String, String> start() {
        try {
            dataDir = Files.createTempDirectory("gantry-test-data-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        DatabaseUrl db;
        String external = System.getenv("GANTRY_TEST_DB_URL");
        if (external != null && !external.isBlank()) {
            db = DatabaseUrl.parse(external);
        } else {
            server = PostgresServer.start(PostgresBinaries.bundled(Directories.cacheDir()), dataDir.resolve("postgres"), 0);
            db = new DatabaseUrl(server.jdbcUrl(), server.user(), server.password());
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", db.jdbcUrl());
        if (db.user() != null) {
            config.put("quarkus.datasource.username", db.user());
        }
        if (db.password() != null) {
            config.put("quarkus.datasource.password", db.password());
        }
        config.put("gantry.data-dir", dataDir.toString());
        config.put("gantry.admin-token", ADMIN_TOKEN);
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
        try {
            FileTrees.deleteTree(dataDir);
        } catch (IOException e) {
            System.err.println("could not delete " + dataDir + ": " + e.getMessage());
        }
    }
}
