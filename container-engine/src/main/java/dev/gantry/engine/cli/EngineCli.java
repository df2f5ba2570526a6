package dev.gantry.engine.cli;

import dev.gantry.engine.ContainerState;
import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;
import dev.gantry.engine.ExitStatus;
import dev.gantry.engine.LinuxContainerRuntime;
import dev.gantry.engine.spec.SpecLoader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gantry-engine}: runc-style verbs over {@link LinuxContainerRuntime}. This class only
 * parses arguments and prints; the runtime does the work. State dir: {@code --root DIR}, else
 * {@code $GANTRY_ENGINE_STATE}, else {@code ~/.gantry/engine}.
 */
public final class EngineCli {

    static final String USAGE = """
            usage: gantry-engine [--root DIR] <command> [args]
              create --bundle DIR ID        set up a container; its process waits for start
              start ID                      let a created container run
              run [--detach] --bundle DIR ID  create + start; without --detach follow the log,
                                            then delete and exit with the container's status
              state ID                      print the OCI state as JSON
              kill ID [SIGNAL]              signal the init (default TERM; name or number)
              delete [--force] ID           remove the container (force kills it first)
              list                          list containers
              exec ID CMD [ARG...]          run CMD inside a running container
              ps ID                         host pids of the container's processes
              stats ID                      cgroup usage as JSON
              logs ID                       print the container log
              events [--interval SECS] ID   stats every interval (default 5), oom and exit events, as JSON lines
              reconcile                     free the addresses, veths and bridges of containers that are gone
                                            (host-wide), print what was released as JSON lines
            """;

    private static final Map<String, Integer> SIGNALS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("KILL", 9),
            Map.entry("USR1", 10), Map.entry("USR2", 12), Map.entry("TERM", 15), Map.entry("CONT", 18),
            Map.entry("STOP", 19), Map.entry("WINCH", 28));

    private final PrintStream out;
    private final PrintStream err;

    EngineCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new EngineCli(System.out, System.err).run(args));
    }

    int run(String[] argv) {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        Path root = defaultRoot();
        if (args.size() >= 2 && args.get(0).equals("--root")) {
            root = Path.of(args.get(1));
            args = args.subList(2, args.size());
        }
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        String verb = args.get(0);
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        try {
            LinuxContainerRuntime rt = new LinuxContainerRuntime(root);
            return switch (verb) {
                case "create" -> create(rt, rest);
                case "start" -> { rt.start(one(rest)); yield 0; }
                case "run" -> run(rt, rest);
                case "state" -> { out.println(json(rt.state(one(rest)))); yield 0; }
                case "kill" -> kill(rt, rest);
                case "delete" -> delete(rt, rest);
                case "list" -> list(rt);
                case "exec" -> exec(rt, rest);
                case "ps" -> { rt.ps(one(rest)).forEach(out::println); yield 0; }
                case "stats" -> { out.println(json(rt.stats(one(rest)))); yield 0; }
                case "logs" -> { Files.copy(rt.logFile(one(rest)), out); yield 0; }
                case "events" -> events(rt, rest);
                case "reconcile" -> {
                    for (var a : rt.reconcileNetworks()) {
                        out.println(json(a));
                    }
                    yield 0;
                }
                default -> throw new UsageException("unknown command " + verb);
            };
        } catch (UsageException e) {
            err.println("gantry-engine: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (EngineException e) {
            err.println("gantry-engine: " + e.getMessage());
            return e.code() == ErrorCode.NOT_FOUND ? 3 : 1;
        } catch (IOException e) {
            err.println("gantry-engine: " + e.getMessage());
            return 1;
        }
    }

    private int create(LinuxContainerRuntime rt, List<String> rest) {
        Path bundle = bundle(rest);
        rt.create(one(rest), bundle);
        return 0;
    }

    private int run(LinuxContainerRuntime rt, List<String> rest) throws IOException {
        boolean detach = rest.remove("--detach") | rest.remove("-d");
        Path bundle = bundle(rest);
        String id = one(rest);
        rt.create(id, bundle);
        try {
            rt.start(id);
        } catch (EngineException e) {
            rt.delete(id, true);
            throw e;
        }
        if (detach) {
            return 0;
        }
        // Ctrl-C or SIGTERM on a foreground run must not leave the container behind.
        Thread cleanup = new Thread(() -> {
            try {
                rt.delete(id, true);
            } catch (EngineException ignored) {
                // already gone
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        Path log = rt.logFile(id);
        long offset = 0;
        ExitStatus exit = null;
        while (exit == null) {
            try {
                exit = rt.awaitExit(id, Duration.ofMillis(50));
            } catch (EngineException e) {
                if (e.code() != ErrorCode.TIMEOUT) {
                    throw e;
                }
            }
            offset = copyLog(log, offset);
        }
        copyLog(log, offset);
        Runtime.getRuntime().removeShutdownHook(cleanup);
        rt.delete(id, true);
        return exit.exitCode();
    }

    /** Prints new log lines without their timestamp/stream prefix, to stdout or stderr. */
    private long copyLog(Path log, long offset) throws IOException {
        if (!Files.exists(log)) {
            return offset;
        }
        byte[] all = Files.readAllBytes(log);
        if (all.length < offset) {
            offset = 0; // rotated
        }
        int end = all.length;
        while (end > offset && all[end - 1] != '\n') {
            end--;
        }
        String chunk = new String(all, (int) offset, (int) (end - offset), java.nio.charset.StandardCharsets.UTF_8);
        for (String line : chunk.split("\n", -1)) {
            String[] f = line.split(" ", 4);
            if (f.length == 4) {
                PrintStream target = f[1].equals("stderr") ? err : out;
                if (f[2].equals("P")) {
                    target.print(f[3]);
                } else {
                    target.println(f[3]);
                }
            }
        }
        out.flush();
        return end;
    }

    private int events(LinuxContainerRuntime rt, List<String> rest) {
        Duration interval = Duration.ofSeconds(5);
        int i = rest.indexOf("--interval");
        if (i >= 0) {
            if (i + 1 >= rest.size()) {
                throw new UsageException("--interval needs seconds");
            }
            interval = Duration.ofMillis((long) (Double.parseDouble(rest.get(i + 1)) * 1000));
            rest.remove(i + 1);
            rest.remove(i);
        }
        rt.events(one(rest), interval, e -> {
            out.println(jsonLine(e));
            out.flush();
            return !out.checkError();
        });
        return 0;
    }

    private int kill(LinuxContainerRuntime rt, List<String> rest) {
        if (rest.isEmpty() || rest.size() > 2) {
            throw new UsageException("kill needs ID [SIGNAL]");
        }
        rt.kill(rest.get(0), rest.size() == 2 ? signal(rest.get(1)) : 15);
        return 0;
    }

    static int signal(String s) {
        String name = s.toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        if (SIGNALS.containsKey(name)) {
            return SIGNALS.get(name);
        }
        try {
            int n = Integer.parseInt(s);
            if (n > 0 && n < 65) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the usage error
        }
        throw new UsageException("unknown signal " + s);
    }

    private int delete(LinuxContainerRuntime rt, List<String> rest) {
        boolean force = rest.remove("--force") | rest.remove("-f");
        rt.delete(one(rest), force);
        return 0;
    }

    private int list(LinuxContainerRuntime rt) {
        out.printf("%-32s %-8s %-9s %-30s %s%n", "ID", "PID", "STATUS", "CREATED", "BUNDLE");
        for (ContainerState s : rt.list()) {
            out.printf("%-32s %-8s %-9s %-30s %s%n", s.id(), s.pid() == null ? 0 : s.pid(), s.status().ociName(),
                    s.created(), s.bundle());
        }
        return 0;
    }

    private int exec(LinuxContainerRuntime rt, List<String> rest) {
        if (rest.size() < 2) {
            throw new UsageException("exec needs ID CMD [ARG...]");
        }
        Process p = rt.exec(rest.get(0), rest.subList(1, rest.size()));
        // hand our stdio to the process: the shim inherits nothing from ProcessBuilder pipes here
        try {
            Thread o = pump(p.getInputStream(), out);
            Thread e = pump(p.getErrorStream(), err);
            p.getOutputStream().close();
            int rc = p.waitFor();
            o.join();
            e.join();
            return rc;
        } catch (InterruptedException | IOException e) {
            p.destroy();
            throw new EngineException(ErrorCode.IO, "exec interrupted: " + e.getMessage(), e);
        }
    }

    private static Thread pump(java.io.InputStream in, PrintStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
                to.flush();
            } catch (IOException ignored) {
                // the process closed its end
            }
        });
        t.start();
        return t;
    }

    private static Path bundle(List<String> rest) {
        int i = rest.indexOf("--bundle");
        if (i < 0) {
            i = rest.indexOf("-b");
        }
        if (i < 0 || i + 1 >= rest.size()) {
            throw new UsageException("--bundle DIR is required");
        }
        Path b = Path.of(rest.get(i + 1));
        rest.remove(i + 1);
        rest.remove(i);
        return b;
    }

    private static String one(List<String> rest) {
        if (rest.size() != 1) {
            throw new UsageException("expected exactly one container ID, got " + rest);
        }
        return rest.get(0);
    }

    private static String json(Object o) {
        try {
            return SpecLoader.JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, e.getMessage(), e);
        }
    }

    private static String jsonLine(Object o) {
        try {
            return SpecLoader.JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(o);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, e.getMessage(), e);
        }
    }

    static Path defaultRoot() {
        String env = System.getenv("GANTRY_ENGINE_STATE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".gantry", "engine");
    }

    /** Bad command line: printed with the usage text, exit status 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
