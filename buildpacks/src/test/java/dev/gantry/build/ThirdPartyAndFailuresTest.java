package dev.gantry.build;

import dev.gantry.build.image.Image;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A third-party-style buildpack written in shell, run unchanged from a git URL; multi-buildpack export;
 * .profile.d at launch; and bad input: nothing detects, compile fails, timeout, OOM, hostile symlinks.
 */
class ThirdPartyAndFailuresTest {

    private BuildFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new BuildFixture();
    }

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    /** Writes a buildpack directory with the given scripts. */
    private Path buildpack(String name, String detect, String compile, String release) throws Exception {
        Path bp = f.work.resolve("bp-" + name);
        Files.createDirectories(bp.resolve("bin"));
        Map<String, String> scripts = new java.util.LinkedHashMap<>();
        scripts.put("detect", detect);
        scripts.put("compile", compile);
        if (release != null) {
            scripts.put("release", release);
        }
        for (var e : scripts.entrySet()) {
            Path p = bp.resolve("bin").resolve(e.getKey());
            Files.writeString(p, "#!/bin/sh\n" + e.getValue() + "\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bp;
    }

    private Path source(String name, Map<String, String> files) throws Exception {
        Path src = f.work.resolve("src-" + name);
        Files.createDirectories(src);
        for (var e : files.entrySet()) {
            Files.createDirectories(src.resolve(e.getKey()).getParent());
            Files.writeString(src.resolve(e.getKey()), e.getValue());
        }
        return src;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=t", "-c", "user.email=t@t"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    @Test
    void thirdPartyShellBuildpackFromGitRunsUnchanged() throws Exception {
        // The shape of a classic Heroku buildpack: detect prints a name, compile reads ENV_DIR and writes the
        // cache and .profile.d, release prints YAML; plus a second buildpack in the chain that reads the
        // first one's `export`.
        Path first = buildpack("greeter",
                "[ -f \"$1/greeting.txt\" ] && echo Greeter",
                """
                set -e
                echo "-----> Greeter buildpack"
                echo "       BUILD_DIR=$1 CACHE_DIR=$2 ENV_DIR=$3"
                n=$(cat "$2/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$2/count"
                mkdir -p "$1/www" "$1/.profile.d"
                echo "$(cat "$1/greeting.txt"), $(cat "$3/WHO")" > "$1/www/index.html"
                echo 'export GREETING_FROM_PROFILE=yes' > "$1/.profile.d/greeter.sh"
                echo "export GREETER_VERSION=42" > "$(dirname "$0")/../export"
                echo "       build number $n; I am uid $(id -u)"
                """,
                """
                cat <<'YAML'
                ---
                default_process_types:
                  web: cd www && exec python3 -m http.server $PORT
                  worker: "sleep 1000"
                YAML
                """);
        git(first, "init", "-q", "-b", "main");
        git(first, "add", "-A");
        git(first, "commit", "-q", "-m", "buildpack");
        git(first, "tag", "v1");
        Path second = buildpack("checker", "echo Checker",
                "echo \"-----> Checker sees GREETER_VERSION=$GREETER_VERSION\"; [ \"$GREETER_VERSION\" = 42 ]", null);

        Path src = source("tp", Map.of("greeting.txt", "hello from a third-party buildpack",
                ".buildpacks", "file://" + first + "#v1\n" + second + "\n"));
        BuildFixture.Built b = f.build(f.request(f.appId("tp"), src).withHostNetwork(false)
                .withConfigVars(Map.of("WHO", "world")));
        assertTrue(b.text().contains("-----> Greeter buildpack"), b.text());
        assertTrue(b.text().contains("BUILD_DIR=/app CACHE_DIR=/cache ENV_DIR=/env"), b.text());
        assertTrue(b.text().contains("build number 1; I am uid 1000"), b.text());
        assertTrue(b.text().contains("Checker sees GREETER_VERSION=42"), b.text());
        assertEquals(List.of("Greeter", "Checker"), b.result().buildpacks());
        assertEquals(Map.of("web", "cd www && exec python3 -m http.server $PORT", "worker", "sleep 1000"),
                b.result().processTypes());

        Image image = f.builder.images().get(b.result().imageDigest());
        assertTrue(Files.exists(image.layerDirs().get(0).resolve("app/.profile.d/greeter.sh")));

        BuildFixture.Instance inst = f.start(b.result().imageDigest(), "web", Map.of());
        HttpResponse<byte[]> r = f.get(inst, "/", Map.of());
        assertEquals("hello from a third-party buildpack, world\n", new String(r.body(), StandardCharsets.UTF_8));
        // .profile.d was sourced before the command ran: ask the running app's environment.
        Process p = f.runtime.exec(inst.id(), List.of("/bin/sh", "-c", "tr '\\0' '\\n' < /proc/1/environ; cat /proc/$(pgrep -n python3 || echo 1)/environ | tr '\\0' '\\n'"));
        String env = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertTrue(env.contains("GREETING_FROM_PROFILE=yes"), env);

        // The cache persisted: the second build sees build number 2.
        BuildFixture.Built again = f.build(f.request(b.result().buildpacks().isEmpty() ? "x" : appIdOf(b), src)
                .withHostNetwork(false).withConfigVars(Map.of("WHO", "world")));
        assertTrue(again.text().contains("build number 2"), again.text());
    }

    private static String appIdOf(BuildFixture.Built b) {
        String first = b.log().get(0); // "-----> Building <app> on the host stack"
        return first.split(" ")[2];
    }

    @Test
    void nothingDetectsListsWhatWasLookedFor() throws Exception {
        Path src = source("empty", Map.of("README.md", "nothing to see"));
        BuildFailedException e = assertThrows(BuildFailedException.class,
                () -> f.build(f.request(f.appId("nodetect"), src).withHostNetwork(false)));
        assertEquals(BuildErrorCode.NO_DETECT, e.code());
        for (String s : List.of("no package.json", "no pom.xml", "requirements.txt", "index.html", "no Procfile")) {
            assertTrue(e.getMessage().contains(s), e.getMessage());
        }
    }

    @Test
    void compileFailureGivesExitCodeAndLastLines() throws Exception {
        Path bp = buildpack("failing", "echo Failing", "for i in $(seq 1 30); do echo line $i; done; echo 'boom: broken' >&2; exit 3", null);
        Path src = source("fail", Map.of("x", "y"));
        BuildFailedException e = assertThrows(BuildFailedException.class,
                () -> f.build(f.request(f.appId("fail"), src).withHostNetwork(false).withBuildpacks(List.of(bp.toString()))));
        assertEquals(BuildErrorCode.COMPILE_FAILED, e.code());
        assertEquals(3, e.exitCode());
        assertEquals("boom: broken", e.lastLines().get(e.lastLines().size() - 1));
        assertTrue(e.lastLines().contains("line 30") && !e.lastLines().contains("line 1"), e.lastLines().toString());
        assertTrue(e.getMessage().contains("exit code 3"), e.getMessage());
    }

    @Test
    void wallClockLimitKillsTheBuild() throws Exception {
        Path bp = buildpack("slow", "echo Slow", "echo sleeping; sleep 120", null);
        Path src = source("slow", Map.of("x", "y"));
        long t0 = System.nanoTime();
        BuildFailedException e = assertThrows(BuildFailedException.class,
                () -> f.build(f.request(f.appId("slow"), src).withHostNetwork(false).withBuildpacks(List.of(bp.toString()))
                        .withLimits(BuildLimits.DEFAULT.withTimeout(Duration.ofSeconds(3)))));
        assertEquals(BuildErrorCode.TIMEOUT, e.code(), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 30);
        assertTrue(f.runtime.list().isEmpty(), "the build container is gone");
    }

    @Test
    void memoryLimitKillsTheBuildAndSaysOom() throws Exception {
        Path bp = buildpack("hog", "echo Hog", "echo allocating; python3 -c 'b = bytearray(512 << 20); print(len(b))'", null);
        Path src = source("hog", Map.of("x", "y"));
        BuildFailedException e = assertThrows(BuildFailedException.class,
                () -> f.build(f.request(f.appId("hog"), src).withHostNetwork(false).withBuildpacks(List.of(bp.toString()))
                        .withLimits(BuildLimits.DEFAULT.withMemory(64L << 20))));
        assertEquals(BuildErrorCode.OOM, e.code(), e.getMessage());
    }

    @Test
    void symlinksInTheSourceNeverExposeHostFiles() throws Exception {
        Path src = source("links", Map.of("Procfile", "web: sleep 1000\n"));
        Files.createSymbolicLink(src.resolve("shadow"), Path.of("/etc/shadow"));
        Files.createSymbolicLink(src.resolve("hostroot"), Path.of("/"));
        Files.createSymbolicLink(src.resolve("up"), Path.of("../../../../../../root"));
        Path bp = buildpack("peek", "echo Peek", """
                cat /app/shadow > /app/shadow.txt 2>&1 || true
                ls /app/hostroot/root > /app/root.txt 2>&1 || true
                ls /app/hostroot/home > /app/home.txt 2>&1 || true
                ls /app/up/ > /app/up.txt 2>&1 || true
                """, null);
        BuildFixture.Built b = f.build(f.request(f.appId("links"), src).withHostNetwork(false).withBuildpacks(List.of(bp.toString())));
        Path layer = f.builder.images().get(b.result().imageDigest()).layerDirs().get(0).resolve("app");
        assertTrue(Files.isSymbolicLink(layer.resolve("shadow")), "kept as a link, never followed");
        String shadow = Files.readString(layer.resolve("shadow.txt"));
        assertTrue(shadow.contains("No such file"), shadow);
        assertTrue(Files.readString(layer.resolve("root.txt")).contains("No such file"));
        assertEquals("", Files.readString(layer.resolve("home.txt")), "the stack's /home is empty");
        assertTrue(Files.readString(layer.resolve("up.txt")).contains("No such file"));
    }
}
