package dev.gantry.git.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.gantry.git.AppDirectory;
import dev.gantry.git.AppRef;
import dev.gantry.git.DeployResult;
import dev.gantry.git.GitCli;
import dev.gantry.git.GitKeyAuthenticator;
import dev.gantry.git.GitReceiveException;
import dev.gantry.git.GitReceiver;
import dev.gantry.git.GitReceiverConfig;
import dev.gantry.git.RecordingPipeline;

/** Pushes over SSH with the real git and OpenSSH clients against the sshd server on loopback. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GitSshPushTest {

    @TempDir
    Path tmp;

    RecordingPipeline pipeline = new RecordingPipeline();
    GitReceiver receiver;
    GitSshServer server;
    PublicKey acmeKey;
    Path keyFile;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        keyFile = tmp.resolve("id_ecdsa");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "test",
                "-f", keyFile.toString()).redirectErrorStream(true).start();
        assertTrue(keygen.waitFor(30, TimeUnit.SECONDS) && keygen.exitValue() == 0, "ssh-keygen failed");
        acmeKey = AuthorizedKeyEntry.parseAuthorizedKeyEntry(Files.readString(tmp.resolve("id_ecdsa.pub")).trim())
                .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);

        Set<AppRef> apps = Set.of(new AppRef("acme", "web"), new AppRef("other", "shop"));
        AppDirectory directory = app -> apps.contains(app)
                ? Optional.of(tmp.resolve("repos").resolve(app.tenant()).resolve(app.app() + ".git"))
                : Optional.empty();
        receiver = new GitReceiver(directory, pipeline, GitReceiverConfig.defaults(tmp.resolve("exports")));
        startServer();
        work = tmp.resolve("work");
        Files.createDirectories(work);
    }

    void startServer() {
        GitKeyAuthenticator keys = key -> KeyUtils.compareKeys(key, acmeKey) ? Optional.of("acme") : Optional.empty();
        server = GitSshServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), tmp.resolve("hostkeys"),
                receiver, keys);
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
    }

    GitCli git(String identity, String hostKeyChecking) throws IOException {
        String ssh = "ssh -F /dev/null -i " + identity + " -o IdentitiesOnly=yes -o BatchMode=yes -o LogLevel=ERROR"
                + " -o StrictHostKeyChecking=" + hostKeyChecking + " -o UserKnownHostsFile=" + tmp.resolve("known_hosts")
                // known_hosts is keyed by host:port, and a restarted server gets a new port.
                + " -o HostKeyAlias=gantry-test";
        return new GitCli(tmp.resolve("home"), Map.of("GIT_SSH_COMMAND", ssh));
    }

    String url(String tenant, String app) {
        return "ssh://git@127.0.0.1:" + server.port() + "/" + tenant + "/" + app + ".git";
    }

    void initApp(GitCli git) throws Exception {
        git.ok(work, "init", "-q", "-b", "main");
        Files.writeString(work.resolve("index.html"), "<h1>hi</h1>\n");
        git.ok(work, "add", "-A");
        git.ok(work, "commit", "-q", "-m", "first");
    }

    @Test
    void pushOverSshDeploysAndStreamsOutput() throws Exception {
        GitCli git = git(keyFile.toString(), "accept-new");
        initApp(git);
        String out = git.run(work, "push", url("acme", "web"), "main").ok().output();
        assertTrue(out.contains("remote: -----> Building with the test buildpack"), out);
        assertTrue(out.contains("remote: =====> Deployed"), out);
        assertEquals(1, pipeline.deploys.size());
        assertEquals("<h1>hi</h1>\n", pipeline.deploys.get(0).tree().get("index.html").content());

        assertTrue(Files.isRegularFile(tmp.resolve("hostkeys/ssh_host_ecdsa_key")));
        // Clone over SSH, and the host key survives a restart (strict checking against known_hosts).
        server.close();
        startServer();
        GitCli strict = git(keyFile.toString(), "yes");
        strict.ok(tmp, "clone", "-q", url("acme", "web"), tmp.resolve("clone").toString());
        assertEquals("<h1>hi</h1>\n", Files.readString(tmp.resolve("clone/index.html")));
    }

    /** ssh-keygen's default key type, so most users' id_ed25519: needs the EdDSA provider beside sshd-core. */
    @Test
    void anEd25519KeyPushesToo() throws Exception {
        Path ed = tmp.resolve("id_ed25519");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test",
                "-f", ed.toString()).redirectErrorStream(true).start();
        assertTrue(keygen.waitFor(30, TimeUnit.SECONDS) && keygen.exitValue() == 0, "ssh-keygen failed");
        acmeKey = AuthorizedKeyEntry.parseAuthorizedKeyEntry(Files.readString(tmp.resolve("id_ed25519.pub")).trim())
                .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        GitCli git = git(ed.toString(), "accept-new");
        initApp(git);
        String out = git.run(work, "push", url("acme", "web"), "main").ok().output();
        assertTrue(out.contains("remote: =====> Deployed"), out);
    }

    @Test
    void branchRulesAndFailuresAreTheSameAsOverHttp() throws Exception {
        GitCli git = git(keyFile.toString(), "accept-new");
        initApp(git);
        git.ok(work, "checkout", "-q", "-b", "feature");
        GitCli.Result branch = git.run(work, "push", url("acme", "web"), "feature");
        assertNotEquals(0, branch.exitCode());
        assertTrue(branch.output().contains("only the main branch deploys"), branch.output());

        pipeline.behavior = request -> DeployResult.failure("build failed: no Procfile");
        GitCli.Result failed = git.run(work, "push", url("acme", "web"), "feature:main");
        assertNotEquals(0, failed.exitCode());
        assertTrue(failed.output().contains("[remote rejected] feature -> main (build failed: no Procfile)"), failed.output());
    }

    @Test
    void anotherTenantsAppAndUnknownKeysAreRefused() throws Exception {
        GitCli git = git(keyFile.toString(), "accept-new");
        initApp(git);
        GitCli.Result theirs = git.run(work, "push", url("other", "shop"), "main");
        assertNotEquals(0, theirs.exitCode());
        assertTrue(theirs.output().contains("ERROR: no app 'shop' in tenant 'other'"), theirs.output());

        Path stranger = tmp.resolve("stranger");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", stranger.toString()).start();
        assertTrue(keygen.waitFor(30, TimeUnit.SECONDS));
        GitCli.Result denied = git(stranger.toString(), "accept-new").run(work, "push", url("acme", "web"), "main");
        assertNotEquals(0, denied.exitCode());
        assertTrue(denied.output().contains("Permission denied (publickey)"), denied.output());
        assertEquals(0, pipeline.deploys.size());
    }

    @Test
    void repositoryPathsAreParsedStrictly() {
        assertEquals(new AppRef("acme", "web"), GitSshCommand.parseRepoPath("/acme/web.git"));
        assertEquals(new AppRef("acme", "web"), GitSshCommand.parseRepoPath("acme/web"));
        assertThrows(GitReceiveException.class, () -> GitSshCommand.parseRepoPath("/acme/../web.git"));
        assertThrows(GitReceiveException.class, () -> GitSshCommand.parseRepoPath("/web.git"));
        assertThrows(GitReceiveException.class, () -> GitSshCommand.parseRepoPath("/Acme/web.git"));
    }

    @Test
    void onlyGitCommandsRunNoShell() throws Exception {
        String[] ssh = {"ssh", "-F", "/dev/null", "-i", keyFile.toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-p", String.valueOf(server.port()), "git@127.0.0.1", "cat /etc/passwd"};
        Process p = new ProcessBuilder(ssh).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ssh did not finish");
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("ERROR: only git push and git fetch are served here (got: cat /etc/passwd)"), out);
        assertFalse(out.contains("root:"), out);
    }

    @Test
    void buildOutputStreamsLiveOverSshToo() throws Exception {
        GitCli git = git(keyFile.toString(), "accept-new");
        initApp(git);
        CountDownLatch seen = new CountDownLatch(1);
        pipeline.behavior = request -> {
            request.progress().line("compiling assets");
            if (!seen.await(30, TimeUnit.SECONDS)) {
                return DeployResult.failure("the client never saw the progress line");
            }
            return DeployResult.success(RecordingPipeline.URL);
        };
        GitCli.Run push = git.start(work, "push", url("acme", "web"), "main");
        assertTrue(push.awaitOutput("remote: compiling assets", Duration.ofSeconds(30)), push.outputSoFar());
        assertFalse(push.outputSoFar().contains("Deployed"), push.outputSoFar());
        seen.countDown();
        assertTrue(push.await(Duration.ofSeconds(60)).ok().output().contains("=====> Deployed"));
    }
}
