package dev.gantry.platform.reconcile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.gantry.platform.FileTrees;
import dev.gantry.router.Router;
import dev.gantry.router.RouterConfig;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real Gantry router on loopback and random ports, for tests that check what users reach through it. */
public class RouterTestResource implements QuarkusTestResourceLifecycleManager {

    public static volatile int httpPort;
    private Router router;
    private Path state;

    @Override
    public Map<String, String> start() {
        try {
            state = Files.createTempDirectory("gantry-test-router-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        router = Router.create(RouterConfig.defaults(state).withBindHost("127.0.0.1").withPorts(0, -1, 0)
                .withAccessLog(state.resolve("access.log").toString()).withHealthIntervalMillis(1000));
        router.start();
        httpPort = router.httpPort();
        return Map.of("gantry.router", "on", "gantry.router-admin-port", Integer.toString(router.adminPort()),
                "gantry.router-http-port", Integer.toString(router.httpPort()),
                "gantry.router-access-log", state.resolve("access.log").toString());
    }

    @Override
    public void stop() {
        if (router != null) {
            router.close();
        }
        try {
            FileTrees.deleteTree(state);
        } catch (IOException ignored) {
            // temp dir
        }
    }
}
