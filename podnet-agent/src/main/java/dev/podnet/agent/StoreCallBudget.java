package dev.podnet.agent;

import dev.podnet.blocks.Attempts;
import dev.podnet.sim.CallBudget;
import dev.podnet.sim.PolicyContext;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.KeyValue;
import dev.podnet.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster's EC2 call budget kept in the cluster store, so that every node's warm pool draws on one token bucket
 * and a join storm of nodes queues its calls instead of meeting RequestLimitExceeded. The bucket's state (the
 * simulator's {@link CallBudget.Bucket}: tokens stored, and the time they were counted at, which runs ahead while
 * calls queue) is one JSON value at {@value #KEY}, changed by compare-and-swap and retried on a conflict with the
 * block pools' jittered {@link Attempts}. Times are wall-clock milliseconds, which all nodes share.
 *
 * <p>The budget is advice: when the store cannot be reached, or stays contended, the call goes at once (logged), since
 * a pod waiting for an address matters more than EC2's throttle, which the warm pool's backoff survives anyway.
 */
public final class StoreCallBudget implements CallBudget {
    private static final System.Logger LOG = System.getLogger(StoreCallBudget.class.getName());
    public static final String KEY = "/podnet/ec2-budget";
    private static final Pattern VALUE = Pattern.compile(
            "\\{\"stored\":([-+0-9.eE]+),\"last\":([-+0-9.eE]+)}");

    private final ClusterStore store;
    private final double perMilli;
    private final double capacity;
    private final Attempts attempts;

    StoreCallBudget(ClusterStore store, double perSecond, double capacity, Attempts attempts) {
        this.store = store;
        this.perMilli = perSecond / 1000.0;
        this.capacity = Math.max(1, capacity);
        this.attempts = attempts;
    }

    /** Budgets of any rate in {@code store}; all share the one key, so a node must not make two of different rates. */
    public static PolicyContext.Budgets in(ClusterStore store) {
        return (perSecond, burst) -> new StoreCallBudget(store, perSecond, burst,
                new Attempts(20, Duration.ofMillis(2), new SecureRandom(), Attempts.Sleeper.REAL));
    }

    @Override
    public long reserve(long now) {
        try {
            return attempts.run("the EC2 call budget " + KEY, () -> reserveOnce(now));
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "the EC2 call goes without the cluster''s budget: {0}", e.getMessage());
            return now;
        }
    }

    /** Read only: how long a call reserved now would queue; 0 when the store cannot tell. */
    @Override
    public long backlog(long now) {
        try {
            return store.get(KEY).flatMap(StoreCallBudget::decode).orElse(new Bucket(capacity, 0))
                    .reserve(now, perMilli, capacity).goesAt() - now;
        } catch (StoreException e) {
            return 0;
        }
    }

    /** One read, reservation and compare-and-swap; CONFLICT when another node changed the bucket meanwhile. */
    private long reserveOnce(long now) {
        Optional<KeyValue> current = store.get(KEY);
        Bucket next = current.flatMap(StoreCallBudget::decode).orElse(new Bucket(capacity, 0))
                .reserve(now, perMilli, capacity);
        byte[] value = encode(next);
        if (current.isPresent()) {
            store.putIfRevision(KEY, value, current.get().modRevision(), 0);
        } else if (store.createIfAbsent(KEY, value, 0).isEmpty()) {
            throw new StoreException(StoreException.Kind.CONFLICT, KEY + " was created by another node meanwhile");
        }
        return next.goesAt();
    }

    static byte[] encode(Bucket b) {
        return ("{\"stored\":" + b.stored() + ",\"last\":" + b.last() + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** The bucket in {@code kv}; empty (a full bucket replaces it) when the value is not one. */
    static Optional<Bucket> decode(KeyValue kv) {
        Matcher m = VALUE.matcher(kv.valueText());
        if (m.matches()) {
            try {
                return Optional.of(new Bucket(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        LOG.log(System.Logger.Level.WARNING, "{0} holds \"{1}\", not an EC2 call budget; starting it afresh", KEY,
                kv.valueText());
        return Optional.empty();
    }
}
