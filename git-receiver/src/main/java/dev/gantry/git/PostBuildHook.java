package dev.gantry.git;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code post-build} deploy trigger (Dokku's name): runs after a successful build, before a release is made.
 *
 * <p>Contract: one method, run with the app's deploy lock held; throwing rejects the push with the exception's message.
 * {@link #NO_OP} does nothing; {@link #chain} runs several in order and stops at the first that throws.
 */
@FunctionalInterface
public interface PostBuildHook {

    PostBuildHook NO_OP = request -> { };

    void run(DeployRequest request) throws Exception;

    /** Runs {@code hooks} in the given order; the first one that throws stops the chain. */
    static PostBuildHook chain(PostBuildHook... hooks) {
        List<PostBuildHook> all = new ArrayList<>(List.of(hooks));
        return request -> {
            for (PostBuildHook hook : all) {
                hook.run(request);
            }
        };
    }
}
