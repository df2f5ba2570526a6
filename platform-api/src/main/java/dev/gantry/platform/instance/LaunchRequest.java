package dev.gantry.platform.instance;

import java.util.Map;

/**
 * An instance to start: what it runs ({@code image} and either a process type or, for one-off runs, a shell
 * {@code command}), its environment without {@code PORT} (the backend assigns the port), and its size, and whether it may reach the outside.
 */
public record LaunchRequest(String id, InstanceLabels labels, String image, String command, Map<String, String> env,
                            int memoryMb, int millicpus, boolean egress, int bootMillicpus) {

    /** No startup boost: {@code millicpus} from the start. */
    public LaunchRequest(String id, InstanceLabels labels, String image, String command, Map<String, String> env,
                         int memoryMb, int millicpus, boolean egress) {
        this(id, labels, image, command, env, memoryMb, millicpus, egress, millicpus);
    }
}
