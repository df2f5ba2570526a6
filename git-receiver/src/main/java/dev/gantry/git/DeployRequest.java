package dev.gantry.git;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One deploy, handed to the {@link DeployPipeline} inside pre-receive.
 *
 * @param app        the app pushed to
 * @param branch     the deploy branch pushed ({@code main} or {@code master})
 * @param oldCommit  the commit the branch pointed at before, empty on the first push
 * @param newCommit  the pushed commit (40 hex digits)
 * @param sourceDir  the pushed commit's tree, exported (regular files, executables, symlinks); owned
 *                   by git-receiver and deleted after the deploy returns. Symlinks are exported as
 *                   committed and may point anywhere (e.g. {@code /etc/shadow}): read the tree inside
 *                   the build sandbox, or on the host only with {@code LinkOption.NOFOLLOW_LINKS}
 * @param progress   writes {@code remote:} lines to the pusher live
 */
public record DeployRequest(AppRef app, String branch, Optional<String> oldCommit, String newCommit,
                            Path sourceDir, ProgressSink progress) {
}
