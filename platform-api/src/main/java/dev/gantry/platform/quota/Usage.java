package dev.gantry.platform.quota;

/** What a tenant's formations ask for in total: the sum over all apps and process types of quantity × size. */
public record Usage(long memoryMb, long instances, long millicpus) {

    public static final Usage NONE = new Usage(0, 0, 0);

    public Usage plus(Usage other) {
        return new Usage(memoryMb + other.memoryMb, instances + other.instances, millicpus + other.millicpus);
    }

    public Usage minus(Usage other) {
        return new Usage(memoryMb - other.memoryMb, instances - other.instances, millicpus - other.millicpus);
    }

    public static Usage of(int quantity, int memoryMb, int millicpus) {
        return new Usage((long) quantity * memoryMb, quantity, (long) quantity * millicpus);
    }
}
