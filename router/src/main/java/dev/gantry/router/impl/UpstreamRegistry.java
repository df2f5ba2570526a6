package dev.gantry.router.impl;

import dev.gantry.router.Instance;
import dev.gantry.router.InstanceStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All instances the router knows, keyed by address: those in the current table and those that
 * left it but still have requests in flight (draining). A draining one disappears when its last
 * request ends, which is how the platform learns it may stop the instance.
 */
final class UpstreamRegistry {

    private final Map<String, Upstream> byAddress = new ConcurrentHashMap<>();

    /** The live object for an address in a new table; revives a draining one if it came back. */
    Upstream acquire(Instance instance) {
        Upstream u = byAddress.computeIfAbsent(instance.address(), a -> new Upstream(instance));
        u.retired(false);
        return u;
    }

    /** Marks every address not in {@code keep} as draining and forgets those already idle. */
    void retireAllBut(Set<String> keep) {
        for (Map.Entry<String, Upstream> e : byAddress.entrySet()) {
            if (!keep.contains(e.getKey())) {
                Upstream u = e.getValue();
                u.retired(true);
                forgetIfDrained(u);
            }
        }
    }

    /** Called when a request on {@code u} ended. */
    void ended(Upstream u) {
        if (u.end() == 0 && u.retired()) {
            forgetIfDrained(u);
        }
    }

    private void forgetIfDrained(Upstream u) {
        if (u.retired() && u.inFlight() == 0) {
            byAddress.remove(u.instance().address(), u);
        }
    }

    List<InstanceStatus> status(long nowNanos) {
        List<InstanceStatus> out = new ArrayList<>();
        for (Upstream u : byAddress.values()) {
            out.add(u.status(nowNanos));
        }
        out.sort(Comparator.comparing(InstanceStatus::host).thenComparingInt(InstanceStatus::port));
        return out;
    }
}
