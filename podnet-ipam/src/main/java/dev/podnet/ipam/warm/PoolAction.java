package dev.podnet.ipam.warm;

/** One cloud call the warm-pool planner asks for. The executor performs it; the planner never calls the cloud. */
public sealed interface PoolAction {

    /** Assign {@code count} more secondary addresses or prefixes to an attached ENI. */
    record AssignSlots(String eniId, int count) implements PoolAction {
    }

    /** Create and attach a new ENI holding {@code slots} secondary addresses or prefixes. */
    record AttachEni(int slots) implements PoolAction {
    }

    /** Unassign {@code count} unused secondary addresses or whole unused prefixes from an ENI. */
    record ReleaseSlots(String eniId, int count) implements PoolAction {
    }

    /** Detach and delete an ENI that holds no pod. */
    record DetachEni(String eniId) implements PoolAction {
    }
}
