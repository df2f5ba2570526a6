package dev.gantry.platform.db;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.gantry.platform.FileTrees;

/**
 * A PostgreSQL server that Gantry starts, owns and stops, with its cluster under one directory:
 *
 * <pre>
 *   dir/pgdata/      the cluster (initdb'd on first start)
 *   dir/password     the superuser's password (0600); the server only accepts password logins
 *   dir/server.log   the server's own log
 *   dir/owner.lock   held while a Gantry owns this server, so two never share it
 * </pre>
 *
 * <p>PostgreSQL refuses to run as root. When we are root, initdb and postgres run inside a user namespace
 * where our uid appears as an ordinary user: files stay owned by root on the host and nothing else changes.
 *
 * <p>Defaults are lean (16 MB of shared buffers, 30 connections) because the whole control plane is meant
 * to idle in a few hundred megabytes; the server listens on 127.0.0.1 only.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "gantry";
    public static final String DATABASE = "gantry";

    private static final Logger LOG = Logger.getLogger(PostgresServer.class.getName());
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Who we appear to be inside the user namespace: any non-root user that has a passwd entry (initdb looks
     * itself up), and every system has nobody.
     */
    private static final int UNPRIVILEGED_UID = 65534;

    private final Path dir;
    private final int port;
    private final String password;
    private final Process process;
    private final FileLock ownerLock;

    private PostgresServer(Path dir, int port, String password, Process process, FileLock ownerLock) {
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.process = process;
        this.ownerLock = ownerLock;
    }

    /**
     * Starts the server for {@code dir}, creating the cluster and the {@value #DATABASE} database on first use.
     *
     * @param port a TCP port on 127.0.0.1, or 0 for any free one
     */
    public static PostgresServer start(PostgresBinaries binaries, Path dir, int port) {
        FileLock lock = null;
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            lock = lockOwnership(dir);
            String password = readOrCreatePassword(dir.resolve("password"));
            Path pgdata = dir.resolve("pgdata");
            if (!Files.exists(pgdata.resolve("PG_VERSION"))) {
                initCluster(binaries, dir, pgdata);
            }
            checkMajorVersion(binaries, pgdata);
            stopLeftoverServer(pgdata);
            int chosenPort = port == 0 ? freePort() : port;
            Process process = launch(binaries, dir, pgdata, chosenPort);
            PostgresServer server = new PostgresServer(dir, chosenPort, password, process, lock);
            try {
                server.awaitReady();
                server.createDatabaseIfMissing();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            release(lock);
            throw new DatabaseException("could not start PostgreSQL in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(lock);
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Fast shutdown (SIGINT: clients are disconnected, a checkpoint is written); SIGKILL only if that hangs. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                signal(process.pid(), "INT");
                if (!process.waitFor(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    LOG.warning("PostgreSQL did not stop within " + SHUTDOWN_TIMEOUT.toSeconds() + " s; killing it");
                    process.destroyForcibly().waitFor();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release(ownerLock);
        }
    }

    private static FileLock lockOwnership(Path dir) throws IOException {
        // The channel stays open for the life of the lock; the lock dies with this process, even on kill -9.
        var file = new RandomAccessFile(dir.resolve("owner.lock").toFile(), "rw");
        FileLock lock;
        try {
            lock = file.getChannel().tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        }
        if (lock == null) {
            file.close();
            throw new DatabaseException("the database in " + dir + " is in use by another running Gantry; "
                    + "stop it first, or give this one its own data directory (GANTRY_DATA_DIR)");
        }
        return lock;
    }

    private static void release(FileLock lock) {
        if (lock == null) {
            return;
        }
        try {
            lock.channel().close();
        } catch (IOException e) {
            LOG.warning("could not release " + lock + ": " + e.getMessage());
        }
    }

    private static String readOrCreatePassword(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, password + "\n");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return password;
    }

    /** initdb into a scratch directory renamed into place, so an interrupted first start can simply be retried. */
    private static void initCluster(PostgresBinaries binaries, Path dir, Path pgdata) throws IOException {
        Path scratch = dir.resolve("pgdata.initdb");
        FileTrees.deleteTree(scratch);
        LOG.info("creating the PostgreSQL cluster in " + pgdata);
        List<String> initdb = List.of(binaries.program("initdb").toString(),
                "-D", scratch.toString(), "-U", USER, "--pwfile=" + dir.resolve("password"),
                "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-instructions");
        Path log = dir.resolve("initdb.log");
        Process p = new ProcessBuilder(asPostgresUser(initdb))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DatabaseException("initdb did not finish within 120 s; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while creating the database cluster");
        }
        if (p.exitValue() != 0) {
            throw new DatabaseException("initdb failed (exit " + p.exitValue() + "): " + tail(log));
        }
        Files.move(scratch, pgdata, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void checkMajorVersion(PostgresBinaries binaries, Path pgdata) throws IOException {
        String cluster = Files.readString(pgdata.resolve("PG_VERSION")).strip();
        Process p = new ProcessBuilder(binaries.program("postgres").toString(), "--version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        // "postgres (PostgreSQL) 17.11" -> "17"
        String major = out.replaceAll("^.*?(\\d+)[.\\d]*.*$", "$1");
        if (!major.equals(cluster)) {
            throw new DatabaseException("the database in " + pgdata + " was created by PostgreSQL " + cluster
                    + " but the server here is " + out + "; upgrade the data with pg_upgrade, or set GANTRY_PG_HOME "
                    + "to a PostgreSQL " + cluster + " installation");
        }
    }

    /**
     * A Gantry that was killed (kill -9, a crash) leaves its server running. We hold the owner lock, so that
     * server belongs to no running Gantry: stop it cleanly before starting our own on the same cluster.
     */
    private static void stopLeftoverServer(Path pgdata) throws IOException {
        Path pidFile = pgdata.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        } catch (RuntimeException e) {
            return; // unreadable: postgres itself will judge the stale file
        }
        var handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
        if (handle.isEmpty()) {
            return;
        }
        LOG.warning("stopping PostgreSQL (pid " + pid + ") left running by a Gantry that did not exit cleanly");
        signal(pid, "INT");
        try {
            handle.get().onExit().get(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new DatabaseException("a PostgreSQL server left running (pid " + pid + ") on " + pgdata
                    + " did not stop; stop it by hand and start again");
        }
    }

    private static Process launch(PostgresBinaries binaries, Path dir, Path pgdata, int port) throws IOException {
        List<String> postgres = List.of(binaries.program("postgres").toString(),
                "-D", pgdata.toString(),
                "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=",
                "-c", "shared_buffers=16MB",
                "-c", "max_connections=30",
                "-c", "huge_pages=off",
                "-c", "timezone=UTC");
        return new ProcessBuilder(asPostgresUser(postgres))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()))
                .start();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new DatabaseException("PostgreSQL exited with code " + process.exitValue()
                        + " while starting: " + tail(dir.resolve("server.log")));
            }
            try (Connection c = connect("postgres")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        throw new DatabaseException("PostgreSQL did not accept connections on 127.0.0.1:" + port + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s (" + (last == null ? "" : last.getMessage()) + "); see "
                + dir.resolve("server.log"));
    }

    private void createDatabaseIfMissing() {
        try (Connection c = connect("postgres"); var check = c.prepareStatement(
                "SELECT 1 FROM pg_database WHERE datname = ?")) {
            check.setString(1, DATABASE);
            if (!check.executeQuery().next()) {
                try (var create = c.createStatement()) {
                    create.execute("CREATE DATABASE " + DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("could not create the " + DATABASE + " database: " + e.getMessage(), e);
        }
    }

    private Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "2");
        // The driver class directly: DriverManager's service lookup depends on the class loader we run in.
        Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver refused the URL");
        }
        return c;
    }

    /** Runs a PostgreSQL program as a non-root user: itself when we are not root, else inside a user namespace. */
    private static List<String> asPostgresUser(List<String> command) {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("unshare", "--user",
                "--map-user=" + UNPRIVILEGED_UID, "--map-group=" + UNPRIVILEGED_UID, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    static boolean runningAsRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    private static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
        } catch (IOException e) {
            throw new DatabaseException("could not signal PostgreSQL (pid " + pid + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while waiting for PostgreSQL");
        }
    }
}
