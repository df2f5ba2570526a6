package dev.gantry.platform;

import java.nio.file.Path;

import dev.gantry.platform.db.DatabaseException;
import dev.gantry.platform.db.DatabaseUrl;
import dev.gantry.platform.db.OwnedDatabase;
import dev.gantry.platform.db.PostgresBinaries;
import dev.gantry.platform.db.PostgresServer;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the platform the way {@code ./gantry up} does: settle the data directory, connect to the database
 * named by {@code GANTRY_DB_URL} or start one we own under the data directory, then run Quarkus.
 *
 * <p>The database is settled here, before Quarkus starts, because the datasource and the Flyway migrations
 * need its URL at boot. Everything else is configured through Quarkus config ({@link GantryConfig}).
 */
@QuarkusMain
public final class GantryMain {

    private GantryMain() {
    }

    public static void main(String... args) {
        try {
            Path dataDir = Directories.dataDir();
            System.setProperty("gantry.data-dir", dataDir.toString());
            String externalUrl = System.getenv("GANTRY_DB_URL");
            if (externalUrl != null && !externalUrl.isBlank()) {
                useDatabase(DatabaseUrl.parse(externalUrl));
            } else {
                useDatabase(startOwnedDatabase(dataDir));
            }
        } catch (DatabaseException e) {
            System.err.println("gantry: " + e.getMessage());
            System.exit(1);
        }
        Quarkus.run(args);
    }

    private static DatabaseUrl startOwnedDatabase(Path dataDir) {
        String pgHome = System.getenv("GANTRY_PG_HOME");
        PostgresBinaries binaries = pgHome != null && !pgHome.isBlank()
                ? PostgresBinaries.installedAt(Path.of(pgHome))
                : PostgresBinaries.bundled(Directories.cacheDir());
        String port = System.getenv("GANTRY_DB_PORT");
        PostgresServer server = PostgresServer.start(binaries, dataDir.resolve("postgres"),
                port == null || port.isBlank() ? 0 : Integer.parseInt(port.strip()));
        OwnedDatabase.hold(server);
        // Normally the platform stops the server on its way down (OwnedDatabase); this covers a Quarkus that
        // never came up, e.g. because its port was taken.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postgres-stop"));
        System.out.println("gantry: PostgreSQL " + server.jdbcUrl() + " (owned by this process, pid " + server.pid()
                + ", data in " + dataDir.resolve("postgres") + ")");
        return new DatabaseUrl(server.jdbcUrl(), server.user(), server.password());
    }

    private static void useDatabase(DatabaseUrl url) {
        System.setProperty("quarkus.datasource.jdbc.url", url.jdbcUrl());
        if (url.user() != null) {
            System.setProperty("quarkus.datasource.username", url.user());
        }
        if (url.password() != null) {
            System.setProperty("quarkus.datasource.password", url.password());
        }
    }
}
