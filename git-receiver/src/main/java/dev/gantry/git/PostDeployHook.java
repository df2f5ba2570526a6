package dev.gantry.git;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code post-deploy} deploy trigger (Dokku's name): runs after the new release serves.
 *
 * <p>Contract: one method, run with the app's deploy lock held; the release is already live, so throwing does not reject the push: the message is shown to the pusher as a warning.
 * {@link #NO_OP} does nothing; {@link #chain} runs several in order and stops at the first that throws.
 */
@FunctionalInterface
public interface PostDeployHook {

    PostDeployHook NO_OP = request -> { };

    void run(DeployRequest request) throws Exception;

    /** Runs {@code hooks} in the given order; the first one that throws stops the chain. */
    static PostDeployHook chain(PostDeployHook... hooks) {
        List<PostDeployHook> all = new ArrayList<>(List.of(hooks));
        return request -> {
            for (PostDeployHook hook : all) {
                hook.run(request);
            }
        };
    }
}
