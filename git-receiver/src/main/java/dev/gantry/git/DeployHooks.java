package dev.gantry.git;

/**
 * The five deploy triggers, one chain per stage. Extensions plug in by chaining onto a stage with
 * the {@code with...} methods; they never call each other (Dokku's plugin model, without shells).
 */
public record DeployHooks(PostExtractHook postExtract, PreBuildHook preBuild, PostBuildHook postBuild,
                          PreReleaseHook preRelease, PostDeployHook postDeploy) {

    public static final DeployHooks NONE = new DeployHooks(PostExtractHook.NO_OP, PreBuildHook.NO_OP,
            PostBuildHook.NO_OP, PreReleaseHook.NO_OP, PostDeployHook.NO_OP);

    public DeployHooks withPostExtract(PostExtractHook hook) {
        return new DeployHooks(PostExtractHook.chain(postExtract, hook), preBuild, postBuild, preRelease, postDeploy);
    }

    public DeployHooks withPreBuild(PreBuildHook hook) {
        return new DeployHooks(postExtract, PreBuildHook.chain(preBuild, hook), postBuild, preRelease, postDeploy);
    }

    public DeployHooks withPostBuild(PostBuildHook hook) {
        return new DeployHooks(postExtract, preBuild, PostBuildHook.chain(postBuild, hook), preRelease, postDeploy);
    }

    public DeployHooks withPreRelease(PreReleaseHook hook) {
        return new DeployHooks(postExtract, preBuild, postBuild, PreReleaseHook.chain(preRelease, hook), postDeploy);
    }

    public DeployHooks withPostDeploy(PostDeployHook hook) {
        return new DeployHooks(postExtract, preBuild, postBuild, preRelease, PostDeployHook.chain(postDeploy, hook));
    }
}
