package dev.gantry.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

class StagedDeployPipelineTest {

    final List<String> calls = new CopyOnWriteArrayList<>();
    final DeployRequest request = new DeployRequest(new AppRef("acme", "web"), "main", Optional.empty(),
            "0123456789012345678901234567890123456789", Path.of("/nonexistent"), line -> calls.add("progress: " + line));

    DeployHooks recordingHooks() {
        return DeployHooks.NONE
                .withPostExtract(r -> calls.add("post-extract"))
                .withPreBuild(r -> calls.add("pre-build"))
                .withPostBuild(r -> calls.add("post-build"))
                .withPreRelease(r -> calls.add("pre-release"))
                .withPostDeploy(r -> calls.add("post-deploy"));
    }

    DeployStage stage(String name, DeployResult result) {
        return r -> {
            calls.add(name);
            return result;
        };
    }

    @Test
    void triggersRunAroundTheStagesInDokkusOrder() throws Exception {
        DeployResult result = new StagedDeployPipeline(recordingHooks(), stage("build", DeployResult.success(null)),
                stage("release", DeployResult.success("http://web.acme.localhost:8000/"))).deploy(request);
        assertTrue(result.succeeded());
        assertEquals(Optional.of("http://web.acme.localhost:8000/"), result.url());
        assertEquals(List.of("post-extract", "pre-build", "build", "post-build", "pre-release", "release", "post-deploy"), calls);
    }

    @Test
    void aFailedBuildStopsBeforeTheRelease() throws Exception {
        DeployResult result = new StagedDeployPipeline(recordingHooks(), stage("build", DeployResult.failure("no buildpack")),
                stage("release", DeployResult.success(null))).deploy(request);
        assertFalse(result.succeeded());
        assertEquals("no buildpack", result.reason());
        assertEquals(List.of("post-extract", "pre-build", "build"), calls);
    }

    @Test
    void aThrowingPreBuildHookStopsTheChainAndTheDeploy() {
        DeployHooks hooks = DeployHooks.NONE
                .withPreBuild(r -> calls.add("first"))
                .withPreBuild(r -> {
                    throw new IllegalStateException("quota exceeded");
                })
                .withPreBuild(r -> calls.add("never"));
        StagedDeployPipeline pipeline = new StagedDeployPipeline(hooks, stage("build", DeployResult.success(null)),
                stage("release", DeployResult.success(null)));
        Exception e = assertThrows(IllegalStateException.class, () -> pipeline.deploy(request));
        assertEquals("quota exceeded", e.getMessage());
        assertEquals(List.of("first"), calls);
    }

    @Test
    void aFailingPostDeployHookOnlyWarnsBecauseTheReleaseAlreadyServes() throws Exception {
        DeployHooks hooks = DeployHooks.NONE.withPostDeploy(r -> {
            throw new IllegalStateException("webhook unreachable");
        });
        DeployResult result = new StagedDeployPipeline(hooks, stage("build", DeployResult.success(null)),
                stage("release", DeployResult.success("u"))).deploy(request);
        assertTrue(result.succeeded());
        assertTrue(calls.contains("progress: warning: post-deploy hook failed: webhook unreachable"), calls.toString());
    }

    @Test
    void noOpHooksDoNothing() throws Exception {
        PostExtractHook.NO_OP.run(request);
        PostExtractHook.chain().run(request);
        assertEquals(List.of(), calls);
    }
}
