package dev.gantry.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The foundation's promise, end to end through the real launcher and the packaged platform: {@code ./gantry up}
 * starts with its own PostgreSQL, serves health within 60 s, prints the admin token once, keeps everything
 * across a Ctrl-C and a second {@code up}, and keeps tenants apart.
 */
class GantryUpIT {

    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(60);

    private Path dataDir;
    private int port;
    private Process gantry;
    private Path log;

    @BeforeEach
    void setUp() throws IOException {
        dataDir = Files.createTempDirectory("gantry-it-data-");
        port = freePort();
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
    void scriptedSessionSurvivesARestart() throws Exception {
        start(1);
        String firstOutput = Files.readString(log);
        assertTrue(firstOutput.contains("Admin token (shown once"), firstOutput);
        Path tokenFile = dataDir.resolve("admin-token");
        String admin = Files.readString(tokenFile).strip();
        assertTrue(firstOutput.contains(admin), "the generated admin token is printed on the first start");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));

        String acme = api(admin).body(Map.of("name", "acme")).post("/api/tenants").then().statusCode(201)
                .extract().path("token");
        String beta = api(admin).body(Map.of("name", "beta")).post("/api/tenants").then().statusCode(201)
                .extract().path("token");
        String acmeSecond = api(acme).post("/api/tokens").then().statusCode(201).extract().path("token");
        api(acme).body(Map.of("name", "web")).post("/api/apps").then().statusCode(201);
        api(acmeSecond).body(Map.of("name", "api")).post("/api/apps").then().statusCode(201);
        api(beta).body(Map.of("name", "web")).post("/api/apps").then().statusCode(201);

        // Bad input gets the right 4xx with a readable body.
        api(acme).body(Map.of("name", "Not_A_Label")).post("/api/apps").then().statusCode(422)
                .contentType("application/problem+json").body("detail", containsString("not a valid app name"));
        api(acme).body(Map.of("name", "web")).post("/api/apps").then().statusCode(409);
        api(acme).body("{oops").post("/api/apps").then().statusCode(400);
        given().baseUri(base()).get("/api/apps").then().statusCode(401);

        stop();
        assertFalse(Files.exists(dataDir.resolve("postgres/pgdata/postmaster.pid")),
                "Ctrl-C stopped the owned PostgreSQL cleanly");

        start(2);
        String secondOutput = Files.readString(log);
        assertTrue(secondOutput.contains("Admin token: in " + tokenFile), secondOutput);
        assertFalse(secondOutput.contains(admin), "the admin token is printed only on the first start");

        api(admin).get("/api/tenants").then().statusCode(200).body("name", containsInAnyOrder("acme", "beta"));
        api(acmeSecond).get("/api/apps").then().statusCode(200).body("name", containsInAnyOrder("api", "web"));
        api(acme).get("/api/apps/web").then().statusCode(200)
                .body("git_url", equalTo("http://localhost:" + port + "/git/acme/web.git"));

        // Tenant B's token can neither see nor delete tenant A's apps.
        api(beta).get("/api/apps").then().statusCode(200).body("name", equalTo(List.of("web")));
        api(beta).get("/api/apps/api").then().statusCode(404);
        api(beta).delete("/api/apps/api").then().statusCode(404);
        api(acme).get("/api/apps/api").then().statusCode(200);
    }

    private void start(int run) throws Exception {
        log = dataDir.resolve("gantry-up-" + run + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("gantry.root"), "gantry").toString(), "up")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.remove("GANTRY_DB_URL");
        env.remove("GANTRY_ADMIN_TOKEN");
        env.put("GANTRY_DATA_DIR", dataDir.toString());
        env.put("GANTRY_API_PORT", Integer.toString(port));
        env.put("GANTRY_NO_BUILD", "1"); // Maven built the jar just before this test; never recurse into Maven
        gantry = pb.start();

        long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!gantry.isAlive()) {
                fail("gantry up exited with " + gantry.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (given().baseUri(base()).get("/q/health").then().extract().statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        fail("/q/health was not UP within " + STARTUP_LIMIT.toSeconds() + " s:\n" + Files.readString(log));
    }

    /** What Ctrl-C does: SIGINT to the JVM, which the launcher exec'd into. */
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

    private RequestSpecification api(String token) {
        return given().baseUri(base()).header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
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
