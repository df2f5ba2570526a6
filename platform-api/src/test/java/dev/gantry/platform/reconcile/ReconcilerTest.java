package dev.gantry.platform.reconcile;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gantry.platform.Await.await;

import dev.gantry.platform.PostgresTestResource;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.Caller;
import dev.gantry.platform.instance.Instance;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.instance.TestImages;
import dev.gantry.platform.release.Releases;
import dev.gantry.platform.tenant.Tenant;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler with real containers (Gantry's engine, busybox images) and a real router: what users reach at
 * their app's host name is what these tests check.
 */
@QuarkusTest
@TestProfile(ReconcilerProfile.class)
@QuarkusTestResource(PostgresTestResource.class)
public class ReconcilerTest {

    @Inject
    Releases releases;

    @Inject
    InstanceBackend backend;

    @Inject
    dev.gantry.platform.GantryConfig config;

    private final List<String> tenants = new ArrayList<>();

    @BeforeEach
    void needsContainers() {
        assumeTrue(TestImages.available(), "SKIPPED: needs root and /bin/busybox (busybox-static) to run containers");
    }

    /** Deleting the tenants makes the reconciler remove their instances and cgroups: checked here, every time. */
    @AfterEach
    void deleteTenants() {
        for (String t : tenants) {
            asAdmin().delete("/api/tenants/" + t);
        }
        await("every instance of the test's tenants is removed", Duration.ofSeconds(30), () -> backend.list().stream()
                .noneMatch(i -> tenants.contains(i.labels().tenant())));
        await("the tenants' cgroups are removed", Duration.ofSeconds(10), () -> tenants.stream()
                .noneMatch(t -> Files.exists(Path.of("/sys/fs/cgroup/memory/gantry", t))));
    }

    @Test
    void scalingChangesExactlyHowManyInstancesServe() throws Exception {
        Site site = newSite("test:web");
        scale(site, "web", 3);
        await("3 instances up", Duration.ofSeconds(30), () -> upCount(site) == 3);
        for (var i : backend.list().stream().filter(i -> i.labels().tenant().equals(site.tenant())).toList()) {
            // started with a full CPU (the startup boost), held to its size's share (64M: 0.062 CPU) once healthy
            String bundle = Files.readString(config.dataDir().resolve("bundles").resolve(i.id()).resolve("config.json"));
            assertTrue(bundle.contains("\"quota\":100000") || bundle.contains("\"quota\" : 100000"), bundle);
            assertEquals("6200", Files.readString(Path.of("/sys/fs/cgroup/cpu/gantry", site.tenant(), "web", i.id(),
                    "cpu.cfs_quota_us")).trim(), "the boost ends when the instance is up");
        }
        assertEquals(Set.of("hello from web.1", "hello from web.2", "hello from web.3"), answersFrom(site, 30));
        await("app output and router lines in the app's log stream", Duration.ofSeconds(10), () -> {
            String log = as(site.token()).get("/api/apps/web/logs?lines=500").asString();
            return log.contains("booting web.3 with GREETING=hello") && log.contains("\"source\":\"router\"")
                    && log.contains("method=GET path=\\\"/\\\"") && log.contains("instance=web.2");
        });

        scale(site, "web", 1);
        await("1 instance left", Duration.ofSeconds(30), () -> instances(site).getList("id").size() == 1 && engineCount(site) == 1);
        assertEquals(Set.of("hello from web.1"), answersFrom(site, 10));

        scale(site, "web", 0);
        await("no instance left", Duration.ofSeconds(30), () -> engineCount(site) == 0);
        assertEquals(503, RouterClient.get(RouterTestResource.httpPort, site.host(), "/").status());
    }

    @Test
    void aCustomDomainIsRoutedAndBelongsToOneAppOnly() {
        Site site = newSite("test:web");
        scale(site, "web", 1);
        await("1 instance up", Duration.ofSeconds(30), () -> upCount(site) == 1);
        String domain = site.tenant() + ".example.test";
        as(site.token()).body(Map.of("hostname", domain.toUpperCase())).post("/api/apps/web/domains")
                .then().statusCode(201).body("hostname", org.hamcrest.Matchers.equalTo(domain));
        await("the router answers the custom domain", Duration.ofSeconds(15),
                () -> RouterClient.get(RouterTestResource.httpPort, domain, "/").body().equals("hello from web.1"));

        Site other = newSite("test:web");
        as(other.token()).body(Map.of("hostname", domain)).post("/api/apps/web/domains").then().statusCode(409);
        as(other.token()).body(Map.of("hostname", "not a host")).post("/api/apps/web/domains").then().statusCode(422);
        as(other.token()).body(Map.of("hostname", "web.x.localhost")).post("/api/apps/web/domains").then().statusCode(422);

        as(site.token()).delete("/api/apps/web/domains/" + domain).then().statusCode(204);
        await("the domain is gone from the router", Duration.ofSeconds(15),
                () -> RouterClient.get(RouterTestResource.httpPort, domain, "/").status() == 404);
    }

    @Test
    void aConfigChangeRollsWithNoFailedRequest() throws Exception {
        Site site = newSite("test:web");
        scale(site, "web", 2);
        await("2 instances up", Duration.ofSeconds(30), () -> upCount(site) == 2);

        try (Load load = new Load(site)) {
            as(site.token()).body(Map.of("GREETING", "bonjour")).patch("/api/apps/" + site.app() + "/config")
                    .then().statusCode(200);
            await("the new value is served", Duration.ofSeconds(40),
                    () -> RouterClient.get(RouterTestResource.httpPort, site.host(), "/").body().startsWith("bonjour"));
            await("the old instances are gone", Duration.ofSeconds(30), () -> engineCount(site) == 2);
            load.stop();
            assertTrue(load.ok.get() > 20, "the load loop ran (" + load.ok.get() + " answers)");
            assertEquals(List.of(), load.failures, "no request failed during the roll");
        }
        assertEquals(Set.of("bonjour from web.1", "bonjour from web.2"), answersFrom(site, 20));
    }

    @Test
    void aRestartReplacesEveryInstanceWithNoFailedRequestAndUsageIsReported() throws Exception {
        Site site = newSite("test:web");
        scale(site, "web", 1);
        await("1 instance up", Duration.ofSeconds(30), () -> upCount(site) == 1);
        await("CPU and memory from the cgroup", Duration.ofSeconds(15),
                () -> {
                    JsonPath i = instances(site);
                    Number memory = i.get("[0].memory");
                    return memory != null && memory.longValue() > 0 && i.get("[0].cpu") != null;
                });
        String before = instances(site).getString("[0].id");
        try (Load load = new Load(site)) {
            as(site.token()).post("/api/apps/" + site.app() + "/restart").then().statusCode(202);
            await("a new instance replaced the old one", Duration.ofSeconds(40), () -> {
                JsonPath now = instances(site); // one snapshot: the list changes between calls during a pass
                List<String> states = now.getList("state");
                return engineCount(site) == 1 && states.size() == 1 && "up".equals(states.get(0))
                        && now.getString("[0].id") != null && !now.getString("[0].id").equals(before);
            });
            load.stop();
            assertEquals(List.of(), load.failures, "no request failed during the restart");
        }
        assertTrue(events(site).contains("restart"));
    }

    @Test
    void aReleaseThatNeverGetsHealthyIsRolledBackWhileTheOldOneServes() throws Exception {
        Site site = newSite("test:web");
        scale(site, "web", 1);
        await("1 instance up", Duration.ofSeconds(30), () -> upCount(site) == 1);
        String oldId = instances(site).getString("[0].id");

        try (Load load = new Load(site)) {
            int broken = deploy(site, "test:silent");
            await("the automatic rollback", Duration.ofSeconds(40), () -> events(site).contains("deploy.failed"));
            await("a rollback release", Duration.ofSeconds(10), () -> as(site.token())
                    .get("/api/apps/" + site.app() + "/releases").jsonPath().getString("[0].description")
                    .startsWith("Rollback to v" + (broken - 1) + " (automatic"));
            load.stop();
            assertEquals(List.of(), load.failures, "the old release kept serving");
        }
        await("only the old instance is left", Duration.ofSeconds(20), () -> engineCount(site) == 1);
        assertEquals(oldId, instances(site).getString("[0].id"), "the old instance was kept, not restarted");
        assertEquals("hello from web.1", RouterClient.get(RouterTestResource.httpPort, site.host(), "/").body());
    }

    @Test
    void aKilledInstanceIsReplacedAndACrashLoopBacksOff() {
        Site site = newSite("test:web");
        scale(site, "web", 1);
        await("1 instance up", Duration.ofSeconds(30), () -> upCount(site) == 1);
        Instance first = backend.list().stream().filter(i -> i.labels().app().equals(site.app())).findFirst().orElseThrow();
        backend.stop(first.id(), Duration.ZERO); // as if the app's process died
        await("a replacement is up", Duration.ofSeconds(30), () -> {
            JsonPath now = instances(site); // one snapshot: the list changes between calls during a pass
            List<String> states = now.getList("state");
            return states.size() == 1 && "up".equals(states.get(0)) && now.getString("[0].id") != null
                    && !now.getString("[0].id").equals(first.id());
        });
        assertEquals(1, instances(site).getInt("[0].restarts"));
        assertTrue(events(site).contains("instance.crash"), "the crash is an event");

        Site loop = newSite("test:crash");
        scale(loop, "web", 1);
        await("four crashes", Duration.ofSeconds(40), () -> crashMessages(loop).size() >= 4);
        List<String> crashes = crashMessages(loop);
        // immediate restart once, then 1 s, 2 s, 4 s (capped at 4 s by the test profile)
        assertTrue(crashes.get(crashes.size() - 1).contains("exited with code 3; restarting it"), crashes.toString());
        assertTrue(crashes.stream().anyMatch(m -> m.endsWith("restarting it in 1 s")), crashes.toString());
        assertTrue(crashes.stream().anyMatch(m -> m.endsWith("restarting it in 2 s")), crashes.toString());
        JsonPath crashed = instances(loop);
        assertTrue(crashed.getList("state").contains("crashed") || crashed.getList("state").contains("starting"),
                crashed.prettify());
    }

    @Test
    void aTenantsMemoryHogIsContainedWhileAnotherTenantKeepsAnswering() throws Exception {
        Site calm = newSite("test:web");
        scale(calm, "web", 1);
        Site hog = newSite("test:hog");
        asAdmin().body(Map.of("memory", "128M")).patch("/api/tenants/" + hog.tenant() + "/quota").then().statusCode(200);
        await("calm app up", Duration.ofSeconds(30), () -> upCount(calm) == 1);
        try (Load load = new Load(calm)) {
            as(hog.token()).body(Map.of("hog", Map.of("quantity", 1, "size", "128M", "cpus", 1)))
                    .patch("/api/apps/" + hog.app() + "/formation").then().statusCode(200);
            await("the hog is killed for memory", Duration.ofSeconds(40),
                    () -> events(hog).contains("out of memory"), () -> "Events: " + events(hog));
            load.stop();
            assertEquals(List.of(), load.failures, "the other tenant's app kept answering");
        }
        String limit = Files.readString(Path.of("/sys/fs/cgroup/memory/gantry", hog.tenant(), "memory.limit_in_bytes"));
        assertEquals(128L * 1024 * 1024, Long.parseLong(limit.trim()), "the tenant cgroup carries the quota");
        as(hog.token()).body(Map.of("hog", Map.of("quantity", 0))).patch("/api/apps/" + hog.app() + "/formation");
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    record Site(String tenant, String token, String app) {
        String host() {
            return app + "." + tenant + ".localhost";
        }
    }

    private Site newSite(String image) {
        String tenant = uniqueName("rt");
        tenants.add(tenant);
        String token = newTenant(tenant);
        String app = "web";
        as(token).body(Map.of("name", app)).post("/api/apps").then().statusCode(201);
        Site site = new Site(tenant, token, app);
        deploy(site, image);
        return site;
    }

    /** What a build would do: a release with this image. Returns its version. */
    private int deploy(Site site, String image) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Tenant t = Tenant.findByName(site.tenant()).orElseThrow();
            App app = App.findInTenant(t, site.app()).orElseThrow();
            return releases.create(app, image, "Deploy " + image, new Caller(null, t, "test")).version;
        });
    }

    private static void scale(Site site, String type, int quantity) {
        as(site.token()).body(Map.of(type, Map.of("quantity", quantity, "size", "64M")))
                .patch("/api/apps/" + site.app() + "/formation").then().statusCode(200);
    }

    private static JsonPath instances(Site site) {
        return as(site.token()).get("/api/apps/" + site.app() + "/instances").then().statusCode(200).extract().jsonPath();
    }

    private static int upCount(Site site) {
        return (int) instances(site).getList("state").stream().filter("up"::equals).count();
    }

    private long engineCount(Site site) {
        return backend.list().stream().filter(i -> i.labels().tenant().equals(site.tenant())).count();
    }

    private static String events(Site site) {
        return as(site.token()).get("/api/apps/" + site.app() + "/events").then().statusCode(200).extract().asString();
    }

    private static List<String> crashMessages(Site site) {
        List<String> out = new ArrayList<>();
        JsonPath events = as(site.token()).get("/api/apps/" + site.app() + "/events").jsonPath();
        List<String> kinds = events.getList("kind");
        List<String> messages = events.getList("message");
        for (int i = kinds.size() - 1; i >= 0; i--) {
            if (kinds.get(i).equals("instance.crash")) {
                out.add(messages.get(i));
            }
        }
        return out;
    }

    private static Set<String> answersFrom(Site site, int requests) {
        Set<String> bodies = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            RouterClient.Answer a = RouterClient.get(RouterTestResource.httpPort, site.host(), "/");
            assertEquals(200, a.status(), a.body());
            bodies.add(a.body());
        }
        return bodies;
    }

    /** A bounded request loop against an app through the router; it stops itself after 2 minutes at most. */
    public static final class Load implements AutoCloseable {
        public final AtomicInteger ok = new AtomicInteger();
        public final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Load(Site site) {
            this(RouterTestResource.httpPort, site.host());
        }

        public Load(int port, String host) {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            thread = new Thread(() -> {
                while (running.get() && System.nanoTime() < deadline && failures.size() < 20) {
                    RouterClient.Answer a = RouterClient.get(port, host, "/");
                    if (a.status() == 200) {
                        ok.incrementAndGet();
                    } else {
                        failures.add(a.status() + " " + a.body());
                    }
                }
            }, "test-load");
            thread.start();
        }

        public void stop() throws InterruptedException {
            running.set(false);
            thread.join(15_000);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
