package dev.gantry.platform.run;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;

import dev.gantry.platform.PostgresTestResource;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.Caller;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.instance.TestImages;
import dev.gantry.platform.reconcile.ReconcilerProfile;
import dev.gantry.platform.release.Releases;
import dev.gantry.platform.tenant.Tenant;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One-off runs in real containers of the app's current release. */
@QuarkusTest
@TestProfile(ReconcilerProfile.class)
@QuarkusTestResource(PostgresTestResource.class)
class RunApiTest {

    @Inject
    Releases releases;

    @Inject
    InstanceBackend backend;

    private String tenant;
    private String token;

    @BeforeEach
    void appWithAnImage() {
        assumeTrue(TestImages.available(), "SKIPPED: needs root and /bin/busybox (busybox-static) to run containers");
        tenant = uniqueName("run");
        token = newTenant(tenant);
        as(token).body(Map.of("name", "web")).post("/api/apps").then().statusCode(201);
        as(token).body(Map.of("GREETING", "salut")).patch("/api/apps/web/config").then().statusCode(200);
        QuarkusTransaction.requiringNew().run(() -> {
            Tenant t = Tenant.findByName(tenant).orElseThrow();
            releases.create(App.findInTenant(t, "web").orElseThrow(), "test:web", "Deploy", new Caller(null, t, "test"));
        });
    }

    /** Deleting the tenant removes its cgroup too (runs are inside it): checked every time. */
    @AfterEach
    void cleanUp() {
        if (tenant != null) {
            asAdmin().delete("/api/tenants/" + tenant);
            dev.gantry.platform.Await.await("the tenant's cgroup is removed", java.time.Duration.ofSeconds(15),
                    () -> !java.nio.file.Files.exists(java.nio.file.Path.of("/sys/fs/cgroup/memory/gantry", tenant)));
        }
    }

    @Test
    void aRunAnswersWithItsOutputAndExitCodeAndLeavesNothingBehind() {
        as(token).body(Map.of("command", "echo \"$GREETING from $GANTRY_APP\"; id -u; exit 7"))
                .post("/api/apps/web/runs").then().statusCode(200)
                .body("exit_code", equalTo(7))
                .body("timed_out", equalTo(false))
                .body("output", containsString("salut from web\n1000\n"));
        assertTrue(backend.list().stream().noneMatch(i -> i.labels().tenant().equals(tenant)),
                "the run's container is removed");
        as(token).get("/api/apps/web/logs?lines=50").then().body(containsString("salut from web"));
    }

    @Test
    void aLongRunStreamsItsOutputAsEvents() {
        String events = as(token).header("Accept", "text/event-stream")
                .body(Map.of("command", "for i in 1 2 3; do echo line $i; sleep 0.2; done"))
                .post("/api/apps/web/runs").then().statusCode(200).extract().asString();
        assertTrue(events.contains("event:output\ndata:line 1") || events.contains("event: output\ndata: line 1"), events);
        assertTrue(events.contains("line 3"), events);
        assertTrue(events.contains("\"exit_code\":0"), events);
    }

    @Test
    void aRunOverItsTimeLimitIsStopped() {
        as(token).body(Map.of("command", "sleep 30", "timeout", 1)).post("/api/apps/web/runs").then().statusCode(200)
                .body("timed_out", equalTo(true));
    }

    @Test
    void badRequestsAreRefusedInWords() {
        as(token).body(Map.of("command", " ")).post("/api/apps/web/runs").then().statusCode(400);
        as(token).body(Map.of("command", "true", "timeout", 0)).post("/api/apps/web/runs").then().statusCode(422);
        as(token).body(Map.of("name", "empty")).post("/api/apps").then().statusCode(201);
        String detail = as(token).body(Map.of("command", "true")).post("/api/apps/empty/runs").then().statusCode(422)
                .extract().path("detail");
        assertTrue(detail.contains("git push"), detail);
        as(token).body(Map.of("command", "true", "size", "64G")).post("/api/apps/web/runs").then().statusCode(422)
                .body("resource", equalTo("memory"));
        assertEquals(0, backend.list().stream().filter(i -> i.labels().tenant().equals(tenant)).count());
    }
}
