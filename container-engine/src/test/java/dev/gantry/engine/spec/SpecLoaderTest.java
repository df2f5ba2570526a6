package dev.gantry.engine.spec;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecLoaderTest {

    @TempDir
    Path bundle;

    private static final String VALID = """
            {"ociVersion":"1.0.2","someFutureField":{"x":1},
             "process":{"user":{"uid":1000,"gid":1000},"args":["sh"],"cwd":"/","env":["A=b"],
                        "rlimits":[{"type":"RLIMIT_NOFILE","soft":10,"hard":20}],"unknownToo":true},
             "root":{"path":"rootfs"},
             "hostname":"h",
             "mounts":[{"destination":"/proc","type":"proc","source":"proc"}],
             "linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"uts"}],
                      "resources":{"memory":{"limit":67108864},"pids":{"limit":10},"devices":[{"allow":false,"access":"rwm"}]}}}
            """;

    private RuntimeSpec load(String json) throws Exception {
        Files.createDirectories(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve("config.json"), json);
        return SpecLoader.load(bundle);
    }

    private String error(String json) {
        EngineException e = assertThrows(EngineException.class, () -> load(json));
        assertEquals(ErrorCode.INVALID_SPEC, e.code());
        return e.getMessage();
    }

    @Test
    void readsTheSupportedPartsAndIgnoresUnknownFields() throws Exception {
        RuntimeSpec s = load(VALID);
        assertEquals(List.of("sh"), s.process().args());
        assertEquals(1000L, s.process().user().uid());
        assertEquals(67108864L, s.linux().resources().memory().limit());
        assertEquals(10L, s.linux().resources().pids().limit());
        assertTrue(s.linux().hasNamespace("uts"));
    }

    @Test
    void aWrongTypeNamesTheField() {
        String msg = error(VALID.replace("\"uid\":1000", "\"uid\":\"alice\""));
        assertTrue(msg.contains("field process.user.uid"), msg);
    }

    @Test
    void aWrongTypeInAListNamesTheIndex() {
        String msg = error(VALID.replace("\"soft\":10", "\"soft\":\"ten\""));
        assertTrue(msg.contains("process.rlimits[0].soft"), msg);
    }

    @Test
    void semanticErrorsNameTheField() {
        assertTrue(error(VALID.replace("\"args\":[\"sh\"]", "\"args\":[]")).contains("process.args"));
        assertTrue(error(VALID.replace("\"cwd\":\"/\"", "\"cwd\":\"relative\"")).contains("process.cwd"));
        assertTrue(error(VALID.replace("\"path\":\"rootfs\"", "\"path\":\"nope\"")).contains("root.path"));
        assertTrue(error(VALID.replace("{\"type\":\"pid\"}", "{\"type\":\"pidd\"}")).contains("linux.namespaces[0].type"));
        assertTrue(error(VALID.replace("\"limit\":67108864", "\"limit\":100")).contains("linux.resources.memory.limit"));
        assertTrue(error(VALID.replace("RLIMIT_NOFILE", "RLIMIT_FOO")).contains("process.rlimits[0].type"));
        assertTrue(error(VALID.replace("{\"type\":\"uts\"}", "{\"type\":\"ipc\"}")).contains("hostname"));
        assertTrue(error(VALID.replace("\"ociVersion\":\"1.0.2\",", "")).contains("ociVersion"));
        assertTrue(error(VALID.replace("\"A=b\"", "\"novalue\"")).contains("process.env[0]"));
        assertTrue(error("{not json").contains("not valid JSON"));
    }

    @Test
    void aMissingConfigIsReported() {
        EngineException e = assertThrows(EngineException.class, () -> SpecLoader.load(bundle));
        assertTrue(e.getMessage().contains("has no config.json"), e.getMessage());
    }

    @Test
    void theDefaultSpecRoundTripsAndValidates() throws Exception {
        Files.createDirectories(bundle.resolve("rootfs"));
        RuntimeSpec d = SpecDefaults.app(List.of("web"), "rootfs", "web-1", 1024);
        SpecLoader.write(d, bundle.resolve("config.json"));
        RuntimeSpec back = SpecLoader.load(bundle);
        assertEquals(d, back);
        assertEquals(1000L, back.process().user().uid());
        assertTrue(back.process().noNewPrivileges());
        assertTrue(back.linux().maskedPaths().contains("/proc/kcore"));
        assertTrue(back.linux().readonlyPaths().contains("/proc/sysrq-trigger"));
    }
}
