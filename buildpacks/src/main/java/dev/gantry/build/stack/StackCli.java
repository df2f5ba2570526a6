package dev.gantry.build.stack;

import dev.gantry.build.BuildException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./gantry stack build SUITE [--mirror URL] [--packages a,b,…]} and {@code ./gantry stack host}:
 * make a stack under {@code $GANTRY_DATA_DIR/stacks} (default {@code ~/.gantry/stacks}).
 */
public final class StackCli {

    private StackCli() {
    }

    public static void main(String[] args) {
        Path data = Path.of(System.getenv().getOrDefault("GANTRY_DATA_DIR", System.getProperty("user.home") + "/.gantry"));
        Path stacks = data.resolve("stacks");
        try {
            if (args.length >= 1 && args[0].equals("host")) {
                System.out.println(new HostStack(stacks).rootfs());
                return;
            }
            if (args.length < 2 || !args[0].equals("build")) {
                System.err.println("usage: gantry stack build SUITE [--mirror URL] [--packages a,b,...] | gantry stack host");
                System.exit(2);
            }
            String mirror = DebianStackBuilder.DEFAULT_MIRROR;
            List<String> packages = new ArrayList<>(DebianStackBuilder.DEFAULT_PACKAGES);
            for (int i = 2; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--mirror" -> mirror = args[i + 1];
                    case "--packages" -> packages = new ArrayList<>(Arrays.asList(args[i + 1].split(",")));
                    default -> {
                        System.err.println("unknown option " + args[i]);
                        System.exit(2);
                    }
                }
            }
            DebianStackBuilder.build(stacks, args[1], mirror, packages, System.out::println);
        } catch (BuildException e) {
            System.err.println("gantry stack: " + e.getMessage());
            System.exit(1);
        }
    }
}
