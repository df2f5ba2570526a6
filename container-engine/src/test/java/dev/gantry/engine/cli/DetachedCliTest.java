package dev.gantry.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.engine.Fixture;
import dev.gantry.engine.spec.SpecLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI in separate JVMs, as the launcher runs it: a container started with
 * {@code run --detach} outlives that JVM, and later JVMs can inspect, exec into, kill and
 * delete it from the state directory alone.
 */
class DetachedCliTest {

    private Fixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private record Result(int code, String out, String err) {
    }

    private Result cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath(), "-Dgantry.engine.shim=" + System.getProperty("gantry.engine.shim"),
                EngineCli.class.getName(), "--root", fx.runtime.stateRoot().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/null")).start();
        // read both streams fully before waiting: the process must be able to exit
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "CLI hung: " + cmd);
        return new Result(p.exitValue(), new String(out), new String(err));
    }

    private static String classpath() {
        // surefire hands the real test classpath over in this property (java.class.path may be a booter jar)
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null ? cp : System.getProperty("java.class.path");
    }

    @Test
    void detachedContainerSurvivesTheCliAndIsManagedFromNewProcesses() throws Exception {
        Path bundle = fx.bundle(fx.spec("sh", "-c", "echo up; while true; do sleep 1; done"));
        String id = "gantry-test-detached";

        Result run = cli("run", "--detach", "--bundle", bundle.toString(), id);
        assertEquals(0, run.code(), run.err());

        // that JVM is gone; the container is not
        Result state = cli("state", id);
        assertEquals(0, state.code(), state.err());
        JsonNode json = SpecLoader.JSON.readTree(state.out());
        assertEquals("running", json.get("status").asText());
        assertEquals(id, json.get("id").asText());
        assertEquals(bundle.toAbsolutePath().toString(), json.get("bundle").asText());
        int pid = json.get("pid").asInt();
        assertTrue(pid > 0 && Path.of("/proc", Integer.toString(pid)).toFile().exists());

        Result exec = cli("exec", id, "sh", "-c", "echo $(hostname) $$");
        assertEquals(0, exec.code(), exec.err());
        assertTrue(exec.out().startsWith("gantry-test "), exec.out());

        Result list = cli("list");
        assertTrue(list.out().contains(id) && list.out().contains("running"), list.out());
        Result ps = cli("ps", id);
        assertTrue(ps.out().lines().anyMatch(l -> l.equals(Integer.toString(pid))), ps.out());

        Result refused = cli("delete", id);
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("is running"), refused.err());

        Result kill = cli("kill", id, "KILL");
        assertEquals(0, kill.code(), kill.err());
        fx.runtime.awaitExit(id, java.time.Duration.ofSeconds(10));
        JsonNode stopped = SpecLoader.JSON.readTree(cli("state", id).out());
        assertEquals("stopped", stopped.get("status").asText());
        assertEquals(137, stopped.get("exit").get("exitCode").asInt());

        Result logs = cli("logs", id);
        assertTrue(logs.out().contains("stdout F up"), logs.out());

        Result delete = cli("delete", id);
        assertEquals(0, delete.code(), delete.err());
        Result gone = cli("state", id);
        assertEquals(3, gone.code());
        assertTrue(gone.err().contains("does not exist"), gone.err());
    }

    @Test
    void foregroundRunPrintsOutputAndExitsWithTheContainersStatus() throws Exception {
        Path bundle = fx.bundle(fx.spec("sh", "-c", "echo out; echo err >&2; exit 42"));
        Result r = cli("run", "--bundle", bundle.toString(), "gantry-test-fg");
        assertEquals(42, r.code(), r.err());
        assertEquals("out\n", r.out());
        assertEquals("err\n", r.err());
        assertTrue(fx.runtime.list().isEmpty(), "foreground run deletes the container");
    }

    @Test
    void usageErrorsExitWith2() throws Exception {
        Result r = cli("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown command frobnicate") && r.err().contains("usage:"), r.err());
    }
}
