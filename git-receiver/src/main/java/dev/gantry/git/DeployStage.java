package dev.gantry.git;

/**
 * One stage of a {@link StagedDeployPipeline}: the build, or the release and rollout. Implemented by
 * the platform. Contract as {@link DeployPipeline#deploy}: return a failure (or throw) to stop the
 * deploy and reject the push.
 */
@FunctionalInterface
public interface DeployStage {

    DeployResult run(DeployRequest request) throws Exception;
}
