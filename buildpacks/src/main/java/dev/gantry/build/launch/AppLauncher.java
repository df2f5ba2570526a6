package dev.gantry.build.launch;

import dev.gantry.build.BuildErrorCode;
import dev.gantry.build.BuildException;
import dev.gantry.build.image.Image;
import dev.gantry.build.stack.Stack;
import dev.gantry.engine.LinuxContainerRuntime;
import dev.gantry.engine.spec.MountSpec;
import dev.gantry.engine.spec.ProcessSpec;
import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.spec.SpecDefaults;
import dev.gantry.engine.spec.SpecLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns an image and a process type into the engine spec of an app instance: {@link SpecDefaults#app} (uid
 * 1000, app capabilities, no_new_privs, default seccomp, own pid/net/ipc/uts/mount/cgroup namespaces), the
 * rootfs as overlay layers (the image's slug layers over the stack's skeleton, through the
 * {@code dev.gantry.rootfs.layers} annotation) plus the stack's read-only bind mounts, and as process a
 * launcher that sources {@code /app/.profile.d/*.sh} and runs the command with the stack's shell
 * ({@code bash -c}), Heroku's way. A portable image (built on a Debian stack) runs from its own layers through
 * its own launcher instead, exactly as on a cluster. The caller adds cgroup path, limits and network annotations.
 */
public final class AppLauncher {

    /**
     * Sources the profile scripts, then runs $0 (the command) through the shell as a child and stays as the
     * container's PID 1, forwarding SIGTERM/SIGHUP to it and exiting with its status. Not {@code exec}: the kernel
     * ignores signals that PID 1 has no handler for, so an app exec'd as PID 1 (node, python, busybox httpd)
     * would sleep through every stop until the SIGKILL after the grace period — Docker's "PID 1 problem".
     */
    static final String LAUNCHER = "cd /app; for f in /app/.profile.d/*.sh; do [ -r \"$f\" ] && . \"$f\"; done; unset f; "
            + "\"$GANTRY_SHELL\" -c \"$0\" & child=$!; "
            + "trap 'kill -TERM $child 2>/dev/null' TERM; trap 'kill -HUP $child 2>/dev/null' HUP; "
            + "while :; do wait $child; status=$?; kill -0 $child 2>/dev/null || exit $status; done";

    private AppLauncher() {
    }

    /**
     * @param processType a type of {@link Image#processTypes()} (e.g. {@code web})
     * @param env         PORT, GANTRY_APP, GANTRY_RELEASE, DYNO, config vars; they override the image's env
     * @param nofile      RLIMIT_NOFILE (at most the engine's own hard limit)
     */
    public static RuntimeSpec spec(Image image, String processType, Map<String, String> env, Stack stack, long nofile) {
        String command = image.processTypes().get(processType);
        if (command == null) {
            throw new BuildException(BuildErrorCode.INVALID, "image " + image.digest() + " has no process type '" + processType
                    + "' (it has: " + String.join(", ", image.processTypes().keySet()) + ")");
        }
        return launch(image, image.portable() ? List.of(processType) : List.of(command), env, stack, nofile);
    }

    /** Like {@link #spec} for any command (one-off runs: {@code heroku run}). */
    public static RuntimeSpec command(Image image, String command, Map<String, String> env, Stack stack, long nofile) {
        return launch(image, image.portable() ? List.of("--run", command) : List.of(command), env, stack, nofile);
    }

    /**
     * @param launcherArgs for a portable image, what its launcher takes ({@code web}, or {@code --run CMD}); for
     *                     the others, the command
     */
    private static RuntimeSpec launch(Image image, List<String> launcherArgs, Map<String, String> env, Stack stack,
                                      long nofile) {
        if (image.portable()) {
            return portable(image, launcherArgs, env, stack, nofile);
        }
        Map<String, String> e = environment(image, env);
        e.put("GANTRY_SHELL", stack.shell());
        List<Path> layers = new ArrayList<>(image.layerDirs());
        layers.add(stack.rootfs());
        List<String> args = List.of(stack.shell(), "-c", LAUNCHER, launcherArgs.get(0));
        return spec(image, args, e, layers, stack.rootfs(), stack, nofile);
    }

    /**
     * A portable image runs from its own layers alone (its stack is the lowest) through its own launcher, as it
     * would on a cluster; only the host's resolver and CA bundle are bound in, as for every instance.
     */
    private static RuntimeSpec portable(Image image, List<String> launcherArgs, Map<String, String> env, Stack stack,
                                        long nofile) {
        List<String> args = new ArrayList<>(image.entrypoint());
        args.addAll(launcherArgs);
        List<Path> layers = image.layerDirs();
        return spec(image, args, environment(image, env), layers, layers.get(layers.size() - 1), stack, nofile);
    }

    /** The image's env, then {@code env} over it. */
    private static Map<String, String> environment(Image image, Map<String, String> env) {
        Map<String, String> e = new LinkedHashMap<>();
        for (String kv : image.env()) {
            int i = kv.indexOf('=');
            e.put(kv.substring(0, i), kv.substring(i + 1));
        }
        e.putAll(env);
        return e;
    }

    /** The app's spec: the platform's defaults, then this process, the stack's mounts and the overlay's layers. */
    private static RuntimeSpec spec(Image image, List<String> args, Map<String, String> env, List<Path> layers,
                                    Path rootfs, Stack stack, long nofile) {
        RuntimeSpec s = SpecDefaults.app(args, rootfs.toString(), "app", nofile);
        ProcessSpec p = s.process();
        s = s.withProcess(new ProcessSpec(false, p.user(), p.args(),
                env.entrySet().stream().map(x -> x.getKey() + "=" + x.getValue()).toList(), image.workingDir(),
                p.capabilities(), p.rlimits(), true, null));
        List<MountSpec> mounts = new ArrayList<>(s.mounts());
        mounts.addAll(stack.mounts());
        Map<String, String> ann = new LinkedHashMap<>(s.annotations());
        ann.put(LinuxContainerRuntime.LAYERS_ANNOTATION, layers.stream().map(Path::toString).collect(Collectors.joining(":")));
        ann.put("dev.gantry.image", image.digest());
        return new RuntimeSpec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(), mounts, s.linux(), ann);
    }

    /** Writes {@code spec} as {@code bundle/config.json}, ready for {@code ContainerRuntime.create(id, bundle)}. */
    public static Path writeBundle(RuntimeSpec spec, Path bundle) {
        try {
            Files.createDirectories(bundle);
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "create bundle " + bundle + ": " + e.getMessage(), e);
        }
        SpecLoader.write(spec, bundle.resolve("config.json"));
        return bundle;
    }
}
