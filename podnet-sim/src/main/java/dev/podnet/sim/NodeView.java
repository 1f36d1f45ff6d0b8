package dev.podnet.sim;

import dev.podnet.ipam.warm.NodeLimits;

/** What a policy may read of one node when it sets the node's targets. */
public interface NodeView {
    int index();

    /** Milliseconds since the start of the run. */
    long now();

    /** Pods running (each with an address). */
    int running();

    /** Pods waiting for an address. */
    int pending();

    /** Pod addresses held and free. */
    int free();

    NodeLimits limits();

    /**
     * For each window, the most pods the node will run at once within the next {@code windowsMillis[i]} if every pod
     * got its address on arrival: those running and waiting now, plus arrivals, minus departures; one look ahead for
     * all. The future, which only the oracle may read.
     */
    int[] peakDemand(long... windowsMillis);

    /** When the next pod arrives (ms), or Long.MAX_VALUE: the future, which only the oracle may read. */
    long nextArrival();
}
