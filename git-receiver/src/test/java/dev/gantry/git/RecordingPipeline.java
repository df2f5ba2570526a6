package dev.gantry.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A {@link DeployPipeline} for tests: prints a few build lines, snapshots the exported tree (the
 * directory is deleted after the deploy), then does whatever {@link #behavior} says.
 */
public final class RecordingPipeline implements DeployPipeline {

    /** What one entry of the exported tree looked like. */
    public record Entry(String content, boolean executable, String linkTarget) {
    }

    /** One deploy as the pipeline saw it. */
    public record Seen(DeployRequest request, Map<String, Entry> tree) {
    }

    @FunctionalInterface
    public interface Behavior {
        DeployResult run(DeployRequest request) throws Exception;
    }

    public static final String URL = "http://web.acme.localhost:8000/";

    public final List<Seen> deploys = new CopyOnWriteArrayList<>();
    public volatile Behavior behavior = request -> DeployResult.success(URL);

    @Override
    public DeployResult deploy(DeployRequest request) throws Exception {
        deploys.add(new Seen(request, snapshot(request.sourceDir())));
        request.progress().line("-----> Building with the test buildpack");
        request.progress().line("       compiled " + request.newCommit().substring(0, 7));
        return behavior.run(request);
    }

    private static Map<String, Entry> snapshot(Path root) throws IOException {
        Map<String, Entry> tree = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    tree.put(rel, new Entry(null, false, Files.readSymbolicLink(p).toString()));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    tree.put(rel, new Entry(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8), perms.contains(PosixFilePermission.OWNER_EXECUTE), null));
                }
            }
        }
        return tree;
    }
}
