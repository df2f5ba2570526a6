package dev.gantry.git;

/**
 * Where a deploy writes its progress. Each line reaches the pusher's terminal at once as a
 * {@code remote: } line (git's side band), so builds are watched while they happen.
 *
 * <p>Contract: safe to call from any thread; a line must not contain a newline (a line that does is
 * split). Writing after the deploy returned is ignored.
 */
@FunctionalInterface
public interface ProgressSink {

    ProgressSink DISCARD = line -> { };

    void line(String text);
}
