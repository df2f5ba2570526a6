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
import java.util.List;
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
        removeLeftoverContainers();
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

    /**
     * The design's promise for a crashed control plane: after {@code kill -9} of the platform, the app's containers
     * keep running under their shims, and the next {@code up} adopts them — the same container ids serve, nothing
     * is restarted, nothing in the database is lost.
     */
    @Test
    void runningContainersAreAdoptedAfterThePlatformIsKilled() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "SKIPPED: running app containers needs root");
        start(1);
        String admin = Files.readString(dataDir.resolve("admin-token")).strip();
        String token = given().baseUri(base()).header("Authorization", "Bearer " + admin).contentType("application/json")
                .body(Map.of("name", "acme")).post("/api/tenants").then().statusCode(201).extract().path("token");
        var acme = given().baseUri(base()).header("Authorization", "Bearer " + token).contentType("application/json");
        acme.body(Map.of("name", "web")).post("/api/apps").then().statusCode(201);

        Path src = dataDir.resolve("src");
        copyTree(Path.of(System.getProperty("gantry.root"), "docs", "examples", "apps", "procfile"), src);
        dev.gantry.git.GitCli git = new dev.gantry.git.GitCli(dataDir.resolve("git-home"));
        git.ok(src, "init", "-q");
        git.ok(src, "add", ".");
        git.ok(src, "commit", "-qm", "procfile sample");
        git.start(src, "push", "http://x:" + token + "@127.0.0.1:" + port + "/git/acme/web.git", "main")
                .await(Duration.ofMinutes(3)).ok();
        awaitRouterStatus("web.acme.localhost", 200);
        List<String> before = instanceIds(token);
        assertEquals(1, before.size(), "one web instance");

        ProcessHandle platform = gantry.descendants().filter(p -> p.info().commandLine().orElse("")
                .contains("quarkus-run.jar")).findFirst().orElseThrow();
        platform.destroyForcibly(); // kill -9
        assertTrue(gantry.waitFor(30, TimeUnit.SECONDS), "the launcher ends when the platform dies");

        start(2);
        awaitRouterStatus("web.acme.localhost", 200);
        assertEquals(before, instanceIds(token), "the same container serves: adopted, not restarted");
        given().baseUri(base()).header("Authorization", "Bearer " + token).get("/api/apps/web/releases")
                .then().statusCode(200).body("[0].description", org.hamcrest.Matchers.startsWith("Deploy "));

        given().baseUri(base()).header("Authorization", "Bearer " + admin).delete("/api/tenants/acme")
                .then().statusCode(204);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Files.exists(dataDir.resolve("engine")) && System.nanoTime() < deadline
                && new dev.gantry.engine.LinuxContainerRuntime(dataDir.resolve("engine")).list().size() > 0) {
            Thread.sleep(200);
        }
    }

    private List<String> instanceIds(String token) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            List<String> ids = given().baseUri(base()).header("Authorization", "Bearer " + token)
                    .get("/api/apps/web/instances").then().statusCode(200).extract().jsonPath().getList("id");
            List<String> states = given().baseUri(base()).header("Authorization", "Bearer " + token)
                    .get("/api/apps/web/instances").then().extract().jsonPath().getList("state");
            if (!ids.isEmpty() && states.stream().allMatch("up"::equals)) {
                return ids;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no instance up");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
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

    /**
     * What a service manager (and Ctrl-C, through the same trap) does: SIGTERM to the launcher, which stops the
     * platform and the router. Not SIGINT here: when the tests themselves run in a background job, every process
     * they start inherits SIGINT as ignored, and a shell cannot trap a signal ignored on entry.
     */
    private void stop() throws Exception {
        new ProcessBuilder("kill", "-TERM", Long.toString(gantry.pid())).start().waitFor();
        if (!gantry.waitFor(30, TimeUnit.SECONDS)) {
            gantry.destroyForcibly().waitFor();
            fail("gantry up did not stop within 30 s of SIGTERM:\n" + Files.readString(log));
        }
        assertTrue(Files.readString(log).contains("stopped"), Files.readString(log));
    }

    /** App containers outlive the platform on purpose; a test must not leave its own behind. */
    private void removeLeftoverContainers() {
        Path engine = dataDir.resolve("engine");
        if (!Files.isDirectory(engine)) {
            return;
        }
        var runtime = new dev.gantry.engine.LinuxContainerRuntime(engine);
        for (var c : runtime.list()) {
            runtime.delete(c.id(), true);
        }
        for (String tenant : runtime.cgroups().children("gantry")) {
            if (tenant.equals("acme")) {
                for (String app : runtime.cgroups().children("gantry/acme")) {
                    runtime.cgroups().destroy("gantry/acme/" + app);
                }
                runtime.cgroups().destroy("gantry/acme");
            }
        }
        if (runtime.cgroups().children("gantry").isEmpty()) {
            runtime.cgroups().destroy("gantry");
        }
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

    /** Ports handed out so far: one free now may be one this test gave a process that is stopped for a restart. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }
}
