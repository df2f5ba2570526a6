package dev.gantry.git;

/**
 * Builds and releases a pushed commit. Implemented by the platform (buildpacks, release, rollout).
 *
 * <p>Contract: called inside git's pre-receive, with the app's deploy lock held, so at most one
 * call per app runs at a time and the branch is only moved when this returns a success. Write
 * progress to {@link DeployRequest#progress()}; return {@link DeployResult#failure(String)} (or
 * throw) to reject the push, in which case the branch keeps its old commit and the previous release
 * must keep serving. The call may be interrupted when the deploy time limit passes; an interrupted
 * pipeline should stop its build and return promptly.
 */
@FunctionalInterface
public interface DeployPipeline {

    DeployResult deploy(DeployRequest request) throws Exception;
}
