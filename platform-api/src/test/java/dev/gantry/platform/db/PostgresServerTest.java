package dev.gantry.platform.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import dev.gantry.platform.Directories;
import dev.gantry.platform.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The owned PostgreSQL server, for real: initdb, start, stop, restart, a crashed owner, as root or not. */
class PostgresServerTest {

    private Path dir;
    private PostgresServer server;
    private Process child;

    @BeforeEach
    void tempDir() throws Exception {
        dir = Files.createTempDirectory("gantry-test-pg-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.close();
        }
        if (child != null) {
            child.destroyForcibly().waitFor();
        }
        FileTrees.deleteTree(dir);
    }

    @Test
    void keepsDataAcrossRestarts() throws Exception {
        server = start();
        assertTrue(server.isRunning());
        try (Connection c = connect(server)) {
            c.createStatement().execute("CREATE TABLE note (text text)");
            c.createStatement().execute("INSERT INTO note VALUES ('still here')");
        }
        long firstPid = server.pid();
        server.close();
        assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false), "the server stopped");
        assertFalse(Files.exists(dir.resolve("postgres/pgdata/postmaster.pid")), "a clean shutdown");

        server = start();
        try (Connection c = connect(server); ResultSet rs = c.createStatement().executeQuery("SELECT text FROM note")) {
            assertTrue(rs.next());
            assertEquals("still here", rs.getString(1));
        }
    }

    @Test
    void acceptsOnlyItsPasswordAndKeepsItPrivate() throws Exception {
        server = start();
        assertThrows(SQLException.class, () -> DriverManager.getConnection(server.jdbcUrl(), server.user(), "wrong"));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("postgres/password"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("postgres"))));
    }

    @Test
    void refusesASecondOwnerWhileTheFirstRuns() {
        server = start();
        DatabaseException e = assertThrows(DatabaseException.class, this::start);
        assertTrue(e.getMessage().contains("in use by another running Gantry"), e.getMessage());
        assertTrue(server.isRunning(), "the first owner's server is untouched");
    }

    /** A Gantry killed with SIGKILL leaves its server running; the next start stops it and takes over the data. */
    @Test
    void takesOverFromAKilledOwner() throws Exception {
        child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Owner.class.getName(), dir.resolve("postgres").toString())
                .redirectErrorStream(true).start();
        var out = new BufferedReader(new InputStreamReader(child.getInputStream()));
        String line;
        long orphanPid = -1;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("READY ")) {
                orphanPid = Long.parseLong(line.substring(6).strip());
                break;
            }
        }
        assertNotEquals(-1, orphanPid, "the child owner started its server");
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertTrue(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false),
                "the server outlives its killed owner (this is what the next start must handle)");

        server = start();

        long orphan = orphanPid;
        assertFalse(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false), "the orphan was stopped");
        try (Connection c = connect(server); ResultSet rs = c.createStatement().executeQuery("SELECT text FROM note")) {
            assertTrue(rs.next(), "data written under the killed owner is there");
            assertEquals("written before the crash", rs.getString(1));
        }
    }

    /** Started in a child JVM by {@link #takesOverFromAKilledOwner}: owns a server, writes a row, then waits to die. */
    public static final class Owner {
        public static void main(String[] args) throws Exception {
            PostgresServer server = PostgresServer.start(PostgresBinaries.bundled(Directories.cacheDir()), Path.of(args[0]), 0);
            try (Connection c = connect(server)) {
                c.createStatement().execute("CREATE TABLE note (text text)");
                c.createStatement().execute("INSERT INTO note VALUES ('written before the crash')");
            }
            System.out.println("READY " + server.pid());
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5)); // bounded: the test kills us long before
        }
    }

    private PostgresServer start() {
        return PostgresServer.start(PostgresBinaries.bundled(Directories.cacheDir()), dir.resolve("postgres"), 0);
    }

    private static Connection connect(PostgresServer server) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
    }
}
