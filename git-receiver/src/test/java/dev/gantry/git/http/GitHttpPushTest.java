package dev.gantry.git.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.gantry.git.AppDirectory;
import dev.gantry.git.AppRef;
import dev.gantry.git.DeployResult;
import dev.gantry.git.GitAuthenticator;
import dev.gantry.git.GitCli;
import dev.gantry.git.GitReceiveException;
import dev.gantry.git.GitReceiver;
import dev.gantry.git.GitReceiverConfig;
import dev.gantry.git.RecordingPipeline;

/** Pushes and clones with the real git client against the handler on a loopback port. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GitHttpPushTest {

    static final String ACME_TOKEN = "gantry_acme-token";
    static final String OTHER_TOKEN = "gantry_other-token";

    @TempDir
    Path tmp;

    RecordingPipeline pipeline;
    JdkGitHttpServer server;
    GitReceiver receiver;
    GitCli git;
    Path work;

    @BeforeEach
    void setUp() throws IOException {
        git = new GitCli(tmp.resolve("home"));
        work = tmp.resolve("work");
        Files.createDirectories(work);
        pipeline = new RecordingPipeline();
        startServer(GitReceiverConfig.defaults(tmp.resolve("exports")));
    }

    void startServer(GitReceiverConfig config) throws IOException {
        if (server != null) {
            server.close();
        }
        Set<AppRef> apps = Set.of(new AppRef("acme", "web"), new AppRef("other", "shop"));
        AppDirectory directory = app -> apps.contains(app)
                ? Optional.of(tmp.resolve("repos").resolve(app.tenant()).resolve(app.app() + ".git"))
                : Optional.empty();
        GitAuthenticator auth = token -> switch (token) {
            case ACME_TOKEN -> Optional.of("acme");
            case OTHER_TOKEN -> Optional.of("other");
            default -> Optional.empty();
        };
        receiver = new GitReceiver(directory, pipeline, config);
        server = JdkGitHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "/git",
                new GitHttpHandler(receiver, auth, "/git"));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    String url(String token, String tenant, String app) {
        return "http://git:" + token + "@127.0.0.1:" + server.port() + "/git/" + tenant + "/" + app + ".git";
    }

    String webUrl() {
        return url(ACME_TOKEN, "acme", "web");
    }

    Path repo(String tenant, String app) {
        return tmp.resolve("repos").resolve(tenant).resolve(app + ".git");
    }

    /** A local repo with an app: a file, an executable, a symlink; remote "paas" is acme/web. */
    void initApp() throws Exception {
        git.ok(work, "init", "-q", "-b", "main");
        Files.writeString(work.resolve("server.js"), "console.log('hello');\n");
        Files.createDirectories(work.resolve("bin"));
        Files.writeString(work.resolve("bin/start"), "#!/bin/sh\nexec node server.js\n");
        Files.setPosixFilePermissions(work.resolve("bin/start"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(work.resolve("main.js"), Path.of("server.js"));
        Files.writeString(work.resolve("Procfile"), "web: bin/start\n");
        git.ok(work, "add", "-A");
        git.ok(work, "commit", "-q", "-m", "first");
        git.ok(work, "remote", "add", "paas", webUrl());
    }

    String commit(Path dir, String file, String content) throws Exception {
        Files.writeString(dir.resolve(file), content);
        git.ok(dir, "add", "-A");
        git.ok(dir, "commit", "-q", "-m", "change " + file);
        return git.ok(dir, "rev-parse", "HEAD");
    }

    String serverRef(String ref) throws Exception {
        GitCli.Result r = git.run(repo("acme", "web"), "rev-parse", "--verify", "-q", ref);
        return r.exitCode() == 0 ? r.output().trim() : null;
    }

    @Test
    void pushToMainDeploysTheExportedTreeAndEndsWithTheUrl() throws Exception {
        initApp();
        String head = git.ok(work, "rev-parse", "HEAD");

        String out = git.run(work, "push", "paas", "main").ok().output();

        assertTrue(out.contains("remote: -----> Deploying acme/web at " + head.substring(0, 7)), out);
        assertTrue(out.contains("remote: -----> Building with the test buildpack"), out);
        assertTrue(out.contains("remote: =====> Deployed " + head.substring(0, 7) + " to " + RecordingPipeline.URL), out);
        assertTrue(out.contains("* [new branch]      main -> main"), out);
        assertEquals(head, serverRef("refs/heads/main"));
        assertEquals("ref: refs/heads/main", Files.readString(repo("acme", "web").resolve("HEAD")).trim());

        assertEquals(1, pipeline.deploys.size());
        var seen = pipeline.deploys.get(0);
        assertEquals(new AppRef("acme", "web"), seen.request().app());
        assertEquals("main", seen.request().branch());
        assertEquals(Optional.empty(), seen.request().oldCommit());
        assertEquals(head, seen.request().newCommit());
        assertEquals("console.log('hello');\n", seen.tree().get("server.js").content());
        assertFalse(seen.tree().get("server.js").executable());
        assertTrue(seen.tree().get("bin/start").executable());
        assertEquals("server.js", seen.tree().get("main.js").linkTarget());
        assertEquals(Set.of("server.js", "bin/start", "main.js", "Procfile"), seen.tree().keySet());
        // The export is temporary: nothing is left behind once the deploy is over.
        assertFalse(Files.exists(seen.request().sourceDir()));
    }

    @Test
    void buildOutputReachesThePusherWhileTheDeployRuns() throws Exception {
        initApp();
        CountDownLatch seenByClient = new CountDownLatch(1);
        pipeline.behavior = request -> {
            request.progress().line("halfway through the build");
            // Finish only once the git client has printed the line: proves streaming, not buffering.
            if (!seenByClient.await(30, TimeUnit.SECONDS)) {
                return DeployResult.failure("the client never saw the progress line");
            }
            request.progress().line("build done");
            return DeployResult.success(RecordingPipeline.URL);
        };
        GitCli.Run push = git.start(work, "push", "paas", "main");
        assertTrue(push.awaitOutput("remote: halfway through the build", Duration.ofSeconds(30)), push.outputSoFar());
        assertFalse(push.outputSoFar().contains("build done"));
        seenByClient.countDown();
        String out = push.await(Duration.ofSeconds(60)).ok().output();
        assertTrue(out.indexOf("halfway through the build") < out.indexOf("remote: build done"), out);
    }

    @Test
    void failingDeployRejectsThePushAndKeepsTheOldCommit() throws Exception {
        initApp();
        git.run(work, "push", "paas", "main").ok();
        String deployed = serverRef("refs/heads/main");
        commit(work, "server.js", "broken(\n");
        pipeline.behavior = request -> {
            request.progress().line("npm ERR! missing script: start");
            return DeployResult.failure("build failed: npm exited with status 1");
        };

        GitCli.Result push = git.run(work, "push", "paas", "main");

        assertNotEquals(0, push.exitCode());
        assertTrue(push.output().contains("remote: npm ERR! missing script: start"), push.output());
        assertTrue(push.output().contains("! [remote rejected] main -> main (build failed: npm exited with status 1)"), push.output());
        assertFalse(push.output().contains("=====> Deployed"), push.output());
        assertEquals(deployed, serverRef("refs/heads/main"));
    }

    @Test
    void aThrowingPipelineAlsoRejectsWithItsMessage() throws Exception {
        initApp();
        pipeline.behavior = request -> {
            throw new IllegalStateException("no buildpack detected");
        };
        GitCli.Result push = git.run(work, "push", "paas", "main");
        assertNotEquals(0, push.exitCode());
        assertTrue(push.output().contains("[remote rejected] main -> main (no buildpack detected)"), push.output());
        assertEquals(null, serverRef("refs/heads/main"));
    }

    @Test
    void pushToAnotherBranchIsRefusedNamingTheDeployBranch() throws Exception {
        initApp();
        git.ok(work, "checkout", "-q", "-b", "feature");
        GitCli.Result push = git.run(work, "push", "paas", "feature");
        assertNotEquals(0, push.exitCode());
        assertTrue(push.output().contains("[remote rejected] feature -> feature (only the main branch deploys"), push.output());
        assertTrue(push.output().contains("git push <remote> feature:main"), push.output());
        assertEquals(0, pipeline.deploys.size());
        assertEquals(null, serverRef("refs/heads/feature"));

        // The hint works: pushing the branch onto main deploys it.
        git.run(work, "push", "paas", "feature:main").ok();
        assertEquals(1, pipeline.deploys.size());
    }

    @Test
    void masterIsADeployBranchToo() throws Exception {
        initApp();
        git.ok(work, "branch", "-m", "main", "master");
        git.run(work, "push", "paas", "master").ok();
        assertEquals("master", pipeline.deploys.get(0).request().branch());
        // HEAD follows the deploy branch, so a clone checks out what is deployed.
        assertEquals("ref: refs/heads/master", Files.readString(repo("acme", "web").resolve("HEAD")).trim());
        Path clone = tmp.resolve("clone");
        git.ok(tmp, "clone", "-q", webUrl(), clone.toString());
        assertTrue(Files.exists(clone.resolve("server.js")));
    }

    @Test
    void deletingTheDeployBranchIsRefused() throws Exception {
        initApp();
        git.run(work, "push", "paas", "main").ok();
        String deployed = serverRef("refs/heads/main");
        GitCli.Result push = git.run(work, "push", "paas", ":main");
        assertNotEquals(0, push.exitCode());
        assertTrue(push.output().contains("deleting the deploy branch main is not allowed"), push.output());
        assertEquals(deployed, serverRef("refs/heads/main"));
    }

    @Test
    void wrongTokenFailsAuthentication() throws Exception {
        initApp();
        git.ok(work, "remote", "set-url", "paas", url("gantry_wrong", "acme", "web"));
        GitCli.Result push = git.run(work, "push", "paas", "main");
        assertNotEquals(0, push.exitCode());
        assertTrue(push.output().contains("Authentication failed"), push.output());
        assertEquals(0, pipeline.deploys.size());
    }

    @Test
    void unknownAppAndAnotherTenantsAppAreRefusedAlike() throws Exception {
        initApp();
        git.ok(work, "remote", "add", "nope", url(ACME_TOKEN, "acme", "nope"));
        git.ok(work, "remote", "add", "theirs", url(ACME_TOKEN, "other", "shop"));

        GitCli.Result unknown = git.run(work, "push", "nope", "main");
        GitCli.Result theirs = git.run(work, "push", "theirs", "main");

        assertNotEquals(0, unknown.exitCode());
        assertTrue(unknown.output().contains("remote: no app 'nope' in tenant 'acme'"), unknown.output());
        assertNotEquals(0, theirs.exitCode());
        assertTrue(theirs.output().contains("remote: no app 'shop' in tenant 'other'"), theirs.output());
        assertFalse(Files.exists(repo("other", "shop")), "another tenant's repo must not even be created");
        assertEquals(0, pipeline.deploys.size());
    }

    @Test
    void httpAnswersUse401ChallengeAnd404() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + server.port() + "/git/";
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(
                URI.create(base + "acme/web.git/info/refs?service=git-receive-pack")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertEquals(Optional.of("Basic realm=\"gantry\""), anonymous.headers().firstValue("WWW-Authenticate"));

        String basic = "Basic " + Base64.getEncoder().encodeToString(("x:" + ACME_TOKEN).getBytes());
        HttpResponse<String> theirs = http.send(HttpRequest.newBuilder(
                URI.create(base + "other/shop.git/info/refs?service=git-receive-pack")).header("Authorization", basic)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, theirs.statusCode());

        HttpResponse<String> ours = http.send(HttpRequest.newBuilder(
                URI.create(base + "acme/web.git/info/refs?service=git-receive-pack")).header("Authorization", basic)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ours.statusCode());
        assertEquals(Optional.of("application/x-git-receive-pack-advertisement"), ours.headers().firstValue("Content-Type"));
        assertTrue(ours.body().startsWith("001f# service=git-receive-pack\n0000"), ours.body());

        HttpResponse<String> dumb = http.send(HttpRequest.newBuilder(
                URI.create(base + "acme/web.git/info/refs")).header("Authorization", basic)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, dumb.statusCode());
    }

    @Test
    void twoConcurrentPushesBothFinishInOrder() throws Exception {
        initApp();
        git.run(work, "push", "paas", "main").ok();
        Path other = tmp.resolve("other-clone");
        git.ok(tmp, "clone", "-q", webUrl(), other.toString());
        String first = commit(work, "a.txt", "from the first pusher\n");
        String second = commit(other, "b.txt", "from the second pusher\n");

        CountDownLatch releaseFirst = new CountDownLatch(1);
        pipeline.behavior = request -> {
            if (request.newCommit().equals(first) && !releaseFirst.await(30, TimeUnit.SECONDS)) {
                return DeployResult.failure("test latch never released");
            }
            return DeployResult.success(RecordingPipeline.URL);
        };
        GitCli.Run push1 = git.start(work, "push", "paas", "main");
        assertTrue(push1.awaitOutput("Building with the test buildpack", Duration.ofSeconds(30)), push1.outputSoFar());
        GitCli.Run push2 = git.start(other, "push", "origin", "main");
        assertTrue(push2.awaitOutput("remote: Waiting for another deploy of acme/web to finish...", Duration.ofSeconds(30)),
                push2.outputSoFar());
        releaseFirst.countDown();

        String out1 = push1.await(Duration.ofSeconds(60)).ok().output();
        String out2 = push2.await(Duration.ofSeconds(60)).ok().output();

        assertTrue(out1.contains("=====> Deployed " + first.substring(0, 7)), out1);
        assertTrue(out2.contains("main moved to " + first.substring(0, 7) + " while you waited"), out2);
        assertTrue(out2.contains("=====> Deployed " + second.substring(0, 7)), out2);
        assertEquals(3, pipeline.deploys.size());
        assertEquals(first, pipeline.deploys.get(1).request().newCommit());
        assertEquals(second, pipeline.deploys.get(2).request().newCommit());
        assertEquals(Optional.of(first), pipeline.deploys.get(2).request().oldCommit());
        assertEquals(second, serverRef("refs/heads/main"));
    }

    @Test
    void pushingTheSameCommitAgainSaysNothingNew() throws Exception {
        initApp();
        git.run(work, "push", "paas", "main").ok();
        GitCli.Result again = git.run(work, "push", "paas", "main").ok();
        assertTrue(again.output().contains("Everything up-to-date"), again.output());
        assertEquals(1, pipeline.deploys.size());
    }

    @Test
    void forcePushDeploys() throws Exception {
        initApp();
        git.run(work, "push", "paas", "main").ok();
        String before = serverRef("refs/heads/main");
        git.ok(work, "commit", "-q", "--amend", "-m", "rewritten");
        String rewritten = git.ok(work, "rev-parse", "HEAD");

        GitCli.Result plain = git.run(work, "push", "paas", "main");
        assertNotEquals(0, plain.exitCode(), "git itself refuses a non-fast-forward without -f");
        assertEquals(before, serverRef("refs/heads/main"));

        String out = git.run(work, "push", "-f", "paas", "main").ok().output();
        assertTrue(out.contains("+ " + before.substring(0, 7)), out);
        assertEquals(rewritten, serverRef("refs/heads/main"));
        assertEquals(2, pipeline.deploys.size());
    }

    @Test
    void cloneAndFetchServeTheDeployedCode() throws Exception {
        initApp();
        git.run(work, "push", "paas", "main").ok();
        Path clone = tmp.resolve("clone");
        git.ok(tmp, "clone", "-q", webUrl(), clone.toString());
        assertEquals("console.log('hello');\n", Files.readString(clone.resolve("server.js")));
        assertEquals("main", git.ok(clone, "rev-parse", "--abbrev-ref", "HEAD"));
        assertTrue(Files.isExecutable(clone.resolve("bin/start")));

        String next = commit(work, "server.js", "console.log('v2');\n");
        git.run(work, "push", "paas", "main").ok();
        // Local commits the server lacks: several stateless negotiation rounds of "have" lines, the later
        // ones over 1 KiB and so gzipped by git; JGit skips unread input at the end of each round.
        for (int i = 0; i < 40; i++) {
            commit(clone, "local.txt", "local " + i + "\n");
        }
        git.ok(clone, "fetch", "-q", "origin");
        assertEquals(next, git.ok(clone, "rev-parse", "origin/main"));
    }

    @Test
    void cloneNeedsTheRightTenant() throws Exception {
        initApp();
        git.run(work, "push", "paas", "main").ok();
        GitCli.Result r = git.run(tmp, "clone", "-q", url(OTHER_TOKEN, "acme", "web"), tmp.resolve("stolen").toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains("no app 'web' in tenant 'acme'"), r.output());
    }

    @Test
    void aPushLargerThanTheLimitIsRefusedBeforeItIsStored() throws Exception {
        startServer(GitReceiverConfig.defaults(tmp.resolve("exports")).withMaxPackBytes(64 * 1024));
        initApp();
        byte[] noise = new byte[300 * 1024];
        new Random(42).nextBytes(noise);
        Files.write(work.resolve("big.bin"), noise);
        git.ok(work, "add", "-A");
        git.ok(work, "commit", "-q", "-m", "big");

        GitCli.Result push = git.run(work, "push", "paas", "main");

        assertNotEquals(0, push.exitCode());
        assertTrue(push.output().contains("Pack exceeds the limit of"), push.output());
        assertFalse(push.output().contains("Connection reset"), push.output());
        assertEquals(0, pipeline.deploys.size());
        assertEquals(null, serverRef("refs/heads/main"));
    }

    @Test
    void aDeployOverTheTimeLimitIsInterruptedAndRejected() throws Exception {
        startServer(GitReceiverConfig.defaults(tmp.resolve("exports")).withDeployTimeout(Duration.ofSeconds(1)));
        initApp();
        CountDownLatch interrupted = new CountDownLatch(1);
        pipeline.behavior = request -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return DeployResult.success(RecordingPipeline.URL);
        };
        GitCli.Result push = git.run(work, "push", "paas", "main");
        assertNotEquals(0, push.exitCode());
        assertTrue(push.output().contains("(deploy exceeded the time limit of 1 s)"), push.output());
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the pipeline thread was interrupted");
        assertEquals(null, serverRef("refs/heads/main"));
    }

    @Test
    void corruptObjectsAreRefusedByFsck() throws Exception {
        initApp();
        String tree = git.ok(work, "rev-parse", "HEAD^{tree}");
        // A commit whose author line has no valid timestamp: git's own fsck and JGit's ObjectChecker reject it.
        Path raw = tmp.resolve("bad-commit");
        Files.writeString(raw, "tree " + tree + "\nauthor Bad <bad@x> not-a-date\ncommitter Bad <bad@x> not-a-date\n\nbad\n");
        String bad = git.ok(work, "hash-object", "-t", "commit", "-w", "--literally", raw.toString());
        GitCli.Result push = git.run(work, "push", "paas", bad + ":refs/heads/main");
        assertNotEquals(0, push.exitCode(), push.output());
        assertEquals(0, pipeline.deploys.size());
        assertEquals(null, serverRef("refs/heads/main"));
    }

    @Test
    void aPusherWhoHangsUpMidDeployLeavesASoundRepository() throws Exception {
        initApp();
        String head = git.ok(work, "rev-parse", "HEAD");
        CountDownLatch hungUp = new CountDownLatch(1);
        CountDownLatch deployEnded = new CountDownLatch(1);
        pipeline.behavior = request -> {
            hungUp.await(30, TimeUnit.SECONDS);
            // Writing to a client that is gone must not fail the deploy.
            for (int i = 0; i < 100; i++) {
                request.progress().line("still building " + i);
            }
            deployEnded.countDown();
            return DeployResult.success(RecordingPipeline.URL);
        };
        GitCli.Run push = git.start(work, "push", "paas", "main");
        assertTrue(push.awaitOutput("Building with the test buildpack", Duration.ofSeconds(30)), push.outputSoFar());
        push.kill();
        hungUp.countDown();
        assertTrue(deployEnded.await(30, TimeUnit.SECONDS));

        // The deploy finished, so the branch names what is deployed; the repository is intact.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!head.equals(serverRef("refs/heads/main")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(head, serverRef("refs/heads/main"));
        git.run(repo("acme", "web"), "fsck", "--strict", "--no-dangling").ok();
    }

    @Test
    void redeployRebuildsTheDeployedCommitUnderTheSameLock() throws Exception {
        AppRef web = new AppRef("acme", "web");
        GitReceiveException nothing = assertThrows(GitReceiveException.class, () -> receiver.redeploy(web, line -> { }));
        assertEquals(GitReceiveException.Code.REJECTED, nothing.code());
        assertEquals(GitReceiveException.Code.NOT_FOUND,
                assertThrows(GitReceiveException.class, () -> receiver.redeploy(new AppRef("acme", "nope"), line -> { })).code());

        initApp();
        git.run(work, "push", "paas", "main").ok();
        String head = serverRef("refs/heads/main");
        List<String> lines = new CopyOnWriteArrayList<>();
        DeployResult result = receiver.redeploy(web, lines::add);

        assertTrue(result.succeeded(), result.reason());
        assertEquals(2, pipeline.deploys.size());
        assertEquals(head, pipeline.deploys.get(1).request().newCommit());
        assertEquals(pipeline.deploys.get(0).tree(), pipeline.deploys.get(1).tree());
        assertTrue(lines.contains("-----> Building with the test buildpack"), lines.toString());
    }

    @Test
    void aPushWaitsWhileThePlatformHoldsTheDeployLock() throws Exception {
        initApp();
        GitCli.Run[] push = new GitCli.Run[1];
        String result = receiver.withDeployLock(new AppRef("acme", "web"), line -> { }, () -> {
            push[0] = git.start(work, "push", "paas", "main");
            assertTrue(push[0].awaitOutput("Waiting for another deploy of acme/web", Duration.ofSeconds(30)), push[0].outputSoFar());
            assertEquals(0, pipeline.deploys.size());
            return "done";
        });
        assertEquals("done", result);
        push[0].await(Duration.ofSeconds(60)).ok();
        assertEquals(1, pipeline.deploys.size());
    }

    @Test
    void aPushLargerThanGitsPostBufferIsSentChunkedAndDeploys() throws Exception {
        initApp();
        byte[] noise = new byte[3 << 20];
        new Random(7).nextBytes(noise);
        Files.write(work.resolve("assets.bin"), noise);
        git.ok(work, "add", "-A");
        git.ok(work, "commit", "-q", "-m", "assets");
        // Over http.postBuffer (1 MiB) git first probes with an empty request, then streams the pack chunked.
        git.run(work, "push", "paas", "main").ok();
        assertEquals(1, pipeline.deploys.size());
        assertEquals(git.ok(work, "rev-parse", "HEAD"), serverRef("refs/heads/main"));
    }
}
