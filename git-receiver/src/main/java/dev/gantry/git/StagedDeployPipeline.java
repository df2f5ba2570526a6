package dev.gantry.git;

/**
 * A {@link DeployPipeline} made of a build stage and a release stage with the deploy triggers in
 * between: post-extract, pre-build, build, post-build, pre-release, release, post-deploy.
 * The platform supplies the two stages; features plug into {@link DeployHooks}.
 */
public final class StagedDeployPipeline implements DeployPipeline {

    private final DeployHooks hooks;
    private final DeployStage build;
    private final DeployStage release;

    public StagedDeployPipeline(DeployHooks hooks, DeployStage build, DeployStage release) {
        this.hooks = hooks;
        this.build = build;
        this.release = release;
    }

    @Override
    public DeployResult deploy(DeployRequest request) throws Exception {
        hooks.postExtract().run(request);
        hooks.preBuild().run(request);
        DeployResult built = build.run(request);
        if (!built.succeeded()) {
            return built;
        }
        hooks.postBuild().run(request);
        hooks.preRelease().run(request);
        DeployResult released = release.run(request);
        if (!released.succeeded()) {
            return released;
        }
        try {
            hooks.postDeploy().run(request);
        } catch (Exception e) {
            // The release already serves: a failing post-deploy trigger must not reject the push
            // (the branch would then disagree with what runs), so it only warns.
            request.progress().line("warning: post-deploy hook failed: " + e.getMessage());
        }
        return released;
    }
}
