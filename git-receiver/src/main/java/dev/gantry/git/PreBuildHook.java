package dev.gantry.git;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code pre-build} deploy trigger (Dokku's name): runs just before the build stage.
 *
 * <p>Contract: one method, run with the app's deploy lock held; throwing rejects the push with the exception's message.
 * {@link #NO_OP} does nothing; {@link #chain} runs several in order and stops at the first that throws.
 */
@FunctionalInterface
public interface PreBuildHook {

    PreBuildHook NO_OP = request -> { };

    void run(DeployRequest request) throws Exception;

    /** Runs {@code hooks} in the given order; the first one that throws stops the chain. */
    static PreBuildHook chain(PreBuildHook... hooks) {
        List<PreBuildHook> all = new ArrayList<>(List.of(hooks));
        return request -> {
            for (PreBuildHook hook : all) {
                hook.run(request);
            }
        };
    }
}
