package dev.gantry.git;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code post-extract} deploy trigger (Dokku's name): runs once the pushed tree is exported to {@link DeployRequest#sourceDir()}, before any build; it may add or rewrite files there.
 *
 * <p>Contract: one method, run with the app's deploy lock held; throwing rejects the push with the exception's message.
 * {@link #NO_OP} does nothing; {@link #chain} runs several in order and stops at the first that throws.
 */
@FunctionalInterface
public interface PostExtractHook {

    PostExtractHook NO_OP = request -> { };

    void run(DeployRequest request) throws Exception;

    /** Runs {@code hooks} in the given order; the first one that throws stops the chain. */
    static PostExtractHook chain(PostExtractHook... hooks) {
        List<PostExtractHook> all = new ArrayList<>(List.of(hooks));
        return request -> {
            for (PostExtractHook hook : all) {
                hook.run(request);
            }
        };
    }
}
