package dev.gantry.git;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code git} command-line client, sealed off from the machine: HOME is a temp dir, the
 * system config is ignored, prompts are off (a wrong token fails instead of hanging), and every
 * command has a time limit after which it is killed.
 */
public final class GitCli {

    private final Path home;
    private final Map<String, String> extraEnv;

    public GitCli(Path home, Map<String, String> extraEnv) throws IOException {
        this.home = home;
        this.extraEnv = extraEnv;
        Files.createDirectories(home);
        Files.writeString(home.resolve(".gitconfig"), """
                [user]
                    name = Gantry Test
                    email = test@gantry.invalid
                [init]
                    defaultBranch = main
                [advice]
                    detachedHead = false
                """);
    }

    public GitCli(Path home) throws IOException {
        this(home, Map.of());
    }

    /** A running git command whose combined output can be watched while it runs. */
    public final class Run {
        private final Process process;
        private final StringBuffer output = new StringBuffer();
        private final Thread reader;

        Run(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (InputStream in = process.getInputStream()) {
                    byte[] buf = new byte[4096];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    output.append("\n[reader failed: ").append(e.getMessage()).append("]");
                }
            }, "git-output");
            reader.setDaemon(true);
            reader.start();
        }

        public String outputSoFar() {
            return output.toString();
        }

        /** Waits until the output contains {@code text}; false if the command ended or the time ran out first. */
        public boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (outputSoFar().contains(text)) {
                    return true;
                }
                if (!process.isAlive()) {
                    reader.join(1000);
                    return outputSoFar().contains(text);
                }
                Thread.sleep(20);
            }
            return false;
        }

        /** Kills git, as a user's Ctrl-C or a dropped connection would end it. */
        public void kill() throws InterruptedException {
            // git push runs git-remote-http as a child that owns the connection: kill it too.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        public Result await(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                reader.join(2000);
                throw new AssertionError("git timed out after " + timeout + "; output so far:\n" + outputSoFar());
            }
            reader.join(5000);
            if (Boolean.getBoolean("gantry.git.echo")) {
                System.out.println("--- git exited " + process.exitValue() + "\n" + outputSoFar());
            }
            return new Result(process.exitValue(), outputSoFar());
        }
    }

    public record Result(int exitCode, String output) {
        public Result ok() {
            if (exitCode != 0) {
                throw new AssertionError("git failed with exit code " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    public Run start(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("GIT_") || k.equals("SSH_ASKPASS"));
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("LC_ALL", "C");
        env.put("LANG", "C");
        env.putAll(extraEnv);
        return new Run(pb.start());
    }

    public Result run(Path dir, String... args) throws IOException, InterruptedException {
        return start(dir, args).await(Duration.ofSeconds(60));
    }

    /** Output of a command that must succeed, trimmed. */
    public String ok(Path dir, String... args) throws IOException, InterruptedException {
        return run(dir, args).ok().output().trim();
    }
}
