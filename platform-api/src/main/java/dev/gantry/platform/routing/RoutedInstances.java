package dev.gantry.platform.routing;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The instances that should get each app's traffic, as the reconciler decided last: only instances that passed
 * their health check, and during a deploy the old ones until every new one has.
 */
@ApplicationScoped
public class RoutedInstances {

    public record Address(String host, int port) {
    }

    private volatile Map<Long, List<Address>> byApp = Map.of();

    public List<Address> of(long appId) {
        return byApp.getOrDefault(appId, List.of());
    }

    /** @return whether anything changed */
    public boolean replace(Map<Long, List<Address>> next) {
        Map<Long, List<Address>> copy = Map.copyOf(next);
        if (copy.equals(byApp)) {
            return false;
        }
        byApp = copy;
        return true;
    }
}
