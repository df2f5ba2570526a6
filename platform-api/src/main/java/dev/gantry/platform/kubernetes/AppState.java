package dev.gantry.platform.kubernetes;

import java.util.List;

/** An app's Deployments and pods, from the backend's watch caches. */
public record AppState(List<TypeState> types, List<PodState> pods) {

    public AppState {
        types = List.copyOf(types);
        pods = List.copyOf(pods);
    }
}
