package dev.gantry.platform;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.gantry.platform.db.PostgresBinaries;
import dev.gantry.platform.db.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The foundation's promise, end to end through the real launcher and the packaged platform: {@code ./gantry up}
 * starts the platform with its own PostgreSQL and the router, serves health within 60 s, prints the admin token once, and keeps everything
 * across a Ctrl-C and a second {@code up}; the README's curl session (docs/examples/api-session.sh) checks
 * tenants, tokens, apps, bad input and tenant isolation on both sides of the restart.
 */
class GantryUpIT {

    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(60);

    private Path dataDir;
    private int port;
    private int routerAdminPort;
    private int routerHttpPort;
    private Process gantry;
    private Path log;

    @BeforeEach
    void setUp() throws IOException {
        dataDir = Files.createTempDirectory("gantry-it-data-");
        port = freePort();
        routerAdminPort = freePort();
        routerHttpPort = freePort();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gantry != null && gantry.isAlive()) {
            stop();
        }
        stopLeftoverDatabase();
        FileTrees.deleteTree(dataDir);
    }

    @Test
    void scriptedCurlSessionSurvivesARestart() throws Exception {
        start(1);
        String firstOutput = Files.readString(log);
        assertTrue(firstOutput.contains("Admin token (shown once"), firstOutput);
        Path tokenFile = dataDir.resolve("admin-token");
        String admin = Files.readString(tokenFile).strip();
        assertTrue(firstOutput.contains(admin), "the generated admin token is printed on the first start");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));

        Path state = dataDir.resolve("session.env");
        runSession("create", admin, state);

        stop();
        assertFalse(Files.exists(dataDir.resolve("postgres/pgdata/postmaster.pid")),
                "Ctrl-C stopped the owned PostgreSQL cleanly");
        assertThrows(Exception.class, () -> given().baseUri("http://127.0.0.1:" + routerAdminPort).get("/healthz"),
                "Ctrl-C stopped the router too");

        start(2);
        String secondOutput = Files.readString(log);
        assertTrue(secondOutput.contains("Admin token: in " + tokenFile), secondOutput);
        assertFalse(secondOutput.contains(admin), "the admin token is printed only on the first start");

        runSession("verify", admin, state);

        // The platform pushed its apps to the router: a known app with no instance yet is a 503, not a 404.
        awaitRouterStatus("web.acme.localhost", 503);
        awaitRouterStatus("nothing.acme.localhost", 404);
    }

    private void awaitRouterStatus(String host, int expected) throws InterruptedException {
        int status = -1;
        for (int i = 0; i < 100 && status != expected; i++) {
            status = given().baseUri("http://127.0.0.1:" + routerHttpPort).header("Host", host).get("/")
                    .then().extract().statusCode();
            if (status != expected) {
                Thread.sleep(100);
            }
        }
        assertEquals(expected, status, "the router's answer for " + host);
    }

    @Test
    void usesAnExistingServerGivenByUrl() throws Exception {
        Path external = Files.createTempDirectory("gantry-it-external-pg-");
        try (PostgresServer server = PostgresServer.start(PostgresBinaries.bundled(Directories.cacheDir()),
                external.resolve("postgres"), 0)) {
            String url = "postgresql://" + server.user() + ":" + server.password() + "@127.0.0.1:" + server.port()
                    + "/" + PostgresServer.DATABASE;
            start(1, Map.of("GANTRY_DB_URL", url, "GANTRY_ADMIN_TOKEN", "gantry_it-chosen-admin-token-42"));

            given().baseUri(base()).header("Authorization", "Bearer gantry_it-chosen-admin-token-42")
                    .contentType("application/json").body(Map.of("name", "acme"))
                    .post("/api/tenants").then().statusCode(201);
            assertFalse(Files.exists(dataDir.resolve("postgres")), "no database of its own with GANTRY_DB_URL");
            assertFalse(Files.exists(dataDir.resolve("admin-token")), "a chosen admin token is not written to disk");
            String output = Files.readString(log);
            assertFalse(output.contains(server.password()), "the database password is never printed");

            stop();
            assertTrue(server.isRunning(), "an external database is left running");
            try (var c = java.sql.DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
                 var rs = c.createStatement().executeQuery("SELECT name FROM tenant")) {
                assertTrue(rs.next());
                assertEquals("acme", rs.getString(1));
            }
        } finally {
            FileTrees.deleteTree(external);
        }
    }

    /** docs/examples/api-session.sh: the README's curl walkthrough as a script that checks every answer. */
    private void runSession(String phase, String admin, Path state) throws Exception {
        Path script = Path.of(System.getProperty("gantry.root"), "docs", "examples", "api-session.sh");
        Process session = new ProcessBuilder(script.toString(), phase, base(), admin, state.toString())
                .redirectErrorStream(true).start();
        String output = new String(session.getInputStream().readAllBytes());
        assertTrue(session.waitFor(60, TimeUnit.SECONDS), "the session finished");
        assertEquals(0, session.exitValue(), "api-session.sh " + phase + ":\n" + output);
    }

    private void start(int run) throws Exception {
        start(run, Map.of());
    }

    private void start(int run, Map<String, String> extraEnv) throws Exception {
        log = dataDir.resolve("gantry-up-" + run + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("gantry.root"), "gantry").toString(), "up")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.remove("GANTRY_DB_URL");
        env.remove("GANTRY_ADMIN_TOKEN");
        env.put("GANTRY_DATA_DIR", dataDir.toString());
        env.put("GANTRY_API_PORT", Integer.toString(port));
        env.put("GANTRY_ROUTER_HTTP_PORT", Integer.toString(routerHttpPort));
        env.put("GANTRY_ROUTER_HTTPS_PORT", Integer.toString(freePort()));
        env.put("GANTRY_ROUTER_ADMIN_PORT", Integer.toString(routerAdminPort));
        env.put("GANTRY_SSH_PORT", Integer.toString(freePort()));
        env.put("GANTRY_NO_BUILD", "1"); // Maven built the jar just before this test; never recurse into Maven
        env.putAll(extraEnv);
        gantry = pb.start();

        long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!gantry.isAlive()) {
                fail("gantry up exited with " + gantry.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (given().baseUri(base()).get("/q/health").then().extract().statusCode() == 200
                        && given().baseUri("http://127.0.0.1:" + routerAdminPort).get("/healthz").then().extract()
                        .statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        fail("/q/health and the router were not UP within " + STARTUP_LIMIT.toSeconds() + " s:\n"
                + Files.readString(log));
    }

    /** What Ctrl-C does: SIGINT to the launcher, which stops the platform and the router. */
    private void stop() throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(gantry.pid())).start().waitFor();
        if (!gantry.waitFor(30, TimeUnit.SECONDS)) {
            gantry.destroyForcibly().waitFor();
            fail("gantry up did not stop within 30 s of SIGINT:\n" + Files.readString(log));
        }
        assertTrue(Files.readString(log).contains("stopped"), Files.readString(log));
    }

    /** If a failed test left the owned database running, stop it: it is ours, and its pid is in its lock file. */
    private void stopLeftoverDatabase() throws Exception {
        Path pidFile = dataDir.resolve("postgres/pgdata/postmaster.pid");
        if (Files.exists(pidFile)) {
            String pid = Files.readAllLines(pidFile).get(0).strip();
            new ProcessBuilder("kill", "-INT", pid).start().waitFor();
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
