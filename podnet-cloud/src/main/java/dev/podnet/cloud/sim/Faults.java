package dev.podnet.cloud.sim;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.Ec2Error;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * Errors the emulator answers on purpose, per EC2 action, before it touches any state: a fixed number of failures
 * ({@link #inject}) that come first, then a failure rate ({@link #injectRate}) drawn from a seeded Random so that a
 * run can be repeated. The Random is the faults' own, so turning faults on does not change which addresses EC2 picks.
 */
public final class Faults {

    private record Pending(Ec2Error error, int remaining) {
    }

    private record Rate(Ec2Error error, double probability) {
    }

    private final Map<String, Deque<Pending>> pending = new HashMap<>();
    private final Map<String, Rate> rates = new HashMap<>();
    private final Random random;

    Faults(long seed) {
        this.random = new Random(seed);
    }

    /** The next {@code times} calls of {@code action} fail with {@code error}, after any failures injected earlier. */
    public synchronized Faults inject(String action, Ec2Error error, int times) {
        Actions.requireKnown(action);
        Objects.requireNonNull(error, "error");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + times);
        }
        pending.computeIfAbsent(action, a -> new ArrayDeque<>()).addLast(new Pending(error, times));
        return this;
    }

    /** Each call of {@code action} fails with {@code error} with this probability (0 removes the rate). */
    public synchronized Faults injectRate(String action, Ec2Error error, double probability) {
        Actions.requireKnown(action);
        Objects.requireNonNull(error, "error");
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be between 0 and 1, got " + probability);
        }
        if (probability == 0) {
            rates.remove(action);
        } else {
            rates.put(action, new Rate(error, probability));
        }
        return this;
    }

    /** Removes every injected failure and rate. */
    public synchronized void clear() {
        pending.clear();
        rates.clear();
    }

    /** The failure this call of {@code action} must end with, if any; consumes one injected failure. */
    synchronized Optional<CloudException> next(String action) {
        Deque<Pending> queue = pending.get(action);
        if (queue != null && !queue.isEmpty()) {
            Pending head = queue.removeFirst();
            if (head.remaining() > 1) {
                queue.addFirst(new Pending(head.error(), head.remaining() - 1));
            }
            return Optional.of(exception(head.error()));
        }
        Rate rate = rates.get(action);
        if (rate != null && random.nextDouble() < rate.probability()) {
            return Optional.of(exception(rate.error()));
        }
        return Optional.empty();
    }

    private static CloudException exception(Ec2Error error) {
        String message = switch (error) {
            case REQUEST_LIMIT_EXCEEDED -> "Request limit exceeded.";
            case UNAVAILABLE -> "The service is unavailable. Please try again shortly.";
            case INTERNAL_ERROR -> "An internal error has occurred.";
            default -> "Injected fault: " + error.code() + ".";
        };
        return new CloudException(error, message);
    }
}
