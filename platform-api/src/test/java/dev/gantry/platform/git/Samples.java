package dev.gantry.platform.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import dev.gantry.git.GitCli;

/** The README's sample apps ({@code docs/examples/apps}), each copied into its own git repository, as a user has it. */
public final class Samples {

    static final Path DIR = Path.of("..", "docs", "examples", "apps");

    private Samples() {
    }

    public static Path checkout(GitCli cli, String sample, Path into) throws IOException, InterruptedException {
        Path from = DIR.resolve(sample);
        Path src = into.resolve(sample);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = src.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        cli.ok(src, "init", "-q");
        cli.ok(src, "add", ".");
        cli.ok(src, "commit", "-qm", "sample " + sample);
        return src;
    }
}
