package dev.gantry.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.gantry.engine.ContainerState;
import dev.gantry.engine.LinuxContainerRuntime;
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
        removeContainers(dataDir.resolve("engine"));
        if (server != null) {
            server.close();
        }
        try {
            FileTrees.deleteTree(dataDir);
        } catch (IOException e) {
            System.err.println("could not delete " + dataDir + ": " + e.getMessage());
        }
    }

    /**
     * Containers outlive the platform on purpose; tests must not leave theirs behind. Removes any container a
     * test left in this data dir, with the app and tenant cgroups above it, before the directory is deleted.
     */
    private static void removeContainers(Path engineState) {
        if (!Files.isDirectory(engineState)) {
            return;
        }
        LinuxContainerRuntime runtime = new LinuxContainerRuntime(engineState);
        try {
            removeContainers(runtime);
        } finally {
            // The top of the platform's cgroup tree, once nothing is left under it (rmdir refuses otherwise).
            try {
                if (runtime.cgroups().children("gantry").isEmpty()) {
                    runtime.cgroups().destroy("gantry");
                }
            } catch (RuntimeException inUse) {
                // another Gantry on this machine still uses it
            }
        }
    }

    private static void removeContainers(LinuxContainerRuntime runtime) {
        for (ContainerState c : runtime.list()) {
            try {
                runtime.delete(c.id(), true);
                String[] levels = c.cgroupsPath().split("/");
                for (int n = levels.length - 1; n >= 2; n--) { // gantry/<tenant>/<app>/<id>: keep "gantry"
                    String parent = String.join("/", java.util.Arrays.copyOf(levels, n));
                    if (runtime.cgroups().children(parent).isEmpty()) {
                        runtime.cgroups().destroy(parent);
                    }
                }
                System.err.println("removed container " + c.id() + " that a test left behind");
            } catch (RuntimeException e) {
                System.err.println("could not remove container " + c.id() + ": " + e.getMessage());
            }
        }
    }
}
