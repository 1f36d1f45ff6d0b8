package dev.podnet.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One node's pod arrivals: a Poisson stream plus the scenario's bursts, each with its lifetime drawn when the arrival
 * is drawn. Seeded from the scenario's seed and the node's index alone, so every policy sees the same pods at the
 * same times; generated lazily, with a look-ahead the oracle may read.
 */
final class PodSource {
    /** A pod that will arrive at {@code at} and run {@code lifetime} ms once it has an address. */
    record Arrival(long at, long lifetime, boolean burst) {
    }

    private final SplittableRandom random;
    private final double perMilli;
    private final Scenario.Lifetime lifetime;
    private final Optional<Scenario.Diurnal> diurnal;
    /** The Poisson stream is drawn at the curve's peak rate and thinned (Lewis and Shedler) down to the rate at t. */
    private final double peak;
    private final ArrayDeque<Arrival> ahead = new ArrayDeque<>();
    private final ArrayDeque<long[]> bursts = new ArrayDeque<>();
    private long nextPoisson;
    /**
     * The lifetimes of the pods a node brings as it joins, apart from the stream of arrivals: the oracle's look-ahead
     * draws arrivals early, and must not change the pods the node joins with.
     */
    private final SplittableRandom initial;

    /** @param burstTimes sorted (time, pods) pairs for this node, all after {@code from} */
    PodSource(long seed, double arrivalsPerHour, Scenario.Lifetime lifetime, Optional<Scenario.Diurnal> diurnal, long from,
              List<long[]> burstTimes) {
        this.random = new SplittableRandom(seed);
        this.initial = random.split();
        this.diurnal = diurnal;
        this.peak = 1 + diurnal.map(Scenario.Diurnal::amplitude).orElse(0.0);
        this.perMilli = arrivalsPerHour / 3_600_000.0 * peak;
        this.lifetime = lifetime;
        this.bursts.addAll(burstTimes);
        this.nextPoisson = perMilli > 0 ? from + gap() : Long.MAX_VALUE;
    }

    /** The lifetime of one of the pods the node brings as it joins. */
    long initialLifetime() {
        return lifetime(initial);
    }

    private long lifetime(SplittableRandom r) {
        return switch (lifetime) {
            case Scenario.Lifetime.Fixed f -> f.mean().toMillis();
            case Scenario.Lifetime.Exponential e -> Math.max(1, Math.round(-Math.log(1 - r.nextDouble())
                    * e.mean().toMillis()));
            case Scenario.Lifetime.Uniform u -> u.min().toMillis()
                    + (long) (r.nextDouble() * (u.max().toMillis() - u.min().toMillis()));
        };
    }

    private long gap() {
        return Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) / perMilli));
    }

    /** Draws the next arrival into the look-ahead; false when there is none. */
    private boolean drawNext() {
        long burstAt = bursts.isEmpty() ? Long.MAX_VALUE : bursts.peekFirst()[0];
        if (burstAt == Long.MAX_VALUE && nextPoisson == Long.MAX_VALUE) {
            return false;
        }
        if (burstAt <= nextPoisson) {
            long[] b = bursts.pollFirst();
            for (int i = 0; i < b[1]; i++) {
                ahead.add(new Arrival(b[0], lifetime(random), true));
            }
        } else {
            // Draws in this order (thinning, lifetime, gap) so that a scenario without a curve draws as before.
            long at = nextPoisson;
            if (diurnal.isEmpty() || random.nextDouble() * peak < diurnal.get().factor(at)) {
                ahead.add(new Arrival(at, lifetime(random), false));
            }
            nextPoisson += gap();
        }
        return true;
    }

    /** The next arrival, without taking it; null when none is left. */
    Arrival peek() {
        while (ahead.isEmpty()) {
            if (!drawNext()) {
                return null;
            }
        }
        return ahead.peekFirst();
    }

    Arrival take() {
        Arrival a = peek();
        if (a != null) {
            ahead.pollFirst();
        }
        return a;
    }

    /** The arrivals in [now, now + window], in order: what only the oracle may know. */
    List<Arrival> within(long now, long window) {
        long end = now + window;
        while ((ahead.isEmpty() || ahead.peekLast().at() <= end) && drawNext()) {
            // draw until past the window
        }
        List<Arrival> found = new ArrayList<>();
        for (Arrival a : ahead) {
            if (a.at() > end) {
                break;
            }
            if (a.at() >= now) {
                found.add(a);
            }
        }
        return found;
    }
}
