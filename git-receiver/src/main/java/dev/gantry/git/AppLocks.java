package dev.gantry.git;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One deploy lock per app. Fair locks, so pushes that wait deploy in the order they arrived.
 * Entries are never removed: one small lock per app ever pushed to is cheap, and removing them
 * safely while another push may be about to wait on one is not.
 */
final class AppLocks {

    private final ConcurrentMap<AppRef, ReentrantLock> locks = new ConcurrentHashMap<>();

    /**
     * Takes the app's lock, telling the pusher when it has to wait.
     *
     * @return the held lock, to be released with {@link ReentrantLock#unlock()}
     * @throws GitReceiveException REJECTED when the wait exceeds {@code wait}
     */
    ReentrantLock acquire(AppRef app, Duration wait, ProgressSink progress) throws InterruptedException {
        ReentrantLock lock = locks.computeIfAbsent(app, a -> new ReentrantLock(true));
        if (lock.tryLock()) {
            return lock;
        }
        progress.line("Waiting for another deploy of " + app + " to finish...");
        if (!lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new GitReceiveException(GitReceiveException.Code.REJECTED,
                    "another deploy of " + app + " is still running after " + wait.toSeconds() + " s; try again later");
        }
        progress.line("The other deploy finished; deploying yours.");
        return lock;
    }
}
