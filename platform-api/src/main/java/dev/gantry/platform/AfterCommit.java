package dev.gantry.platform;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * Runs actions once the current transaction has committed, in the order they were asked for, and never if it
 * rolls back: for effects outside the database (log lines, files) that must only follow real changes.
 */
@ApplicationScoped
public class AfterCommit {

    private static final Object KEY = AfterCommit.class;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @SuppressWarnings("unchecked")
    public void run(Runnable action) {
        List<Runnable> pending = (List<Runnable>) transactions.getResource(KEY);
        if (pending == null) {
            List<Runnable> actions = new ArrayList<>();
            transactions.putResource(KEY, actions);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        actions.forEach(Runnable::run);
                    }
                }
            });
            pending = actions;
        }
        pending.add(action);
    }
}
