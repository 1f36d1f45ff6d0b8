package dev.podnet.api;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** One request to the node agent over its unix socket and its one-line reply: what the plugin and the CLI send. */
public final class AgentClient {
    private AgentClient() {
    }

    /**
     * @param maxReplyBytes the longest reply accepted ({@link AgentWire#MAX_LINE_BYTES} for the plugin; status
     *                      listings may need up to {@link AgentWire#MAX_ALLOWED_LINE_BYTES})
     * @param timeout       blocking unix sockets have no read timeout, so a timer closes the channel of an agent
     *                      that does not answer in time, which ends the read with an IOException
     * @throws IOException  the agent is not there, or closed the connection without a full answer
     */
    public static AgentReply ask(Path socket, AgentRequest request, int maxReplyBytes, Duration timeout) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return exchange(channel, request, maxReplyBytes, timeout);
        }
    }

    /**
     * {@link #ask} on a channel the caller connected and closes: the plugin opens its channel while it still reads
     * its configuration, and does not close it before exiting (closing costs a fresh JVM more than exiting does).
     */
    public static AgentReply exchange(SocketChannel channel, AgentRequest request, int maxReplyBytes, Duration timeout)
            throws IOException {
        return exchange(channel, AgentWire.encode(request), maxReplyBytes, timeout);
    }

    /** {@link #exchange(SocketChannel, AgentRequest, int, Duration)} with the request already encoded. */
    public static AgentReply exchange(SocketChannel channel, byte[] requestLine, int maxReplyBytes, Duration timeout)
            throws IOException {
        Watchdog watchdog = Watchdog.start(channel, timeout);
        try {
            // Not closed here: closing either stream closes the channel, which is the caller's.
            OutputStream out = Channels.newOutputStream(channel);
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
            out.write(requestLine); // one line, newline included
            out.flush();
            byte[] line = AgentWire.readLine(in, maxReplyBytes);
            if (line == null) {
                throw new IOException("the agent closed the connection without answering");
            }
            return AgentWire.decodeReply(line, maxReplyBytes);
        } finally {
            watchdog.answered.countDown();
        }
    }

    /**
     * Closes the channel unless the answer comes in time. A platform daemon thread waiting on a latch: a virtual
     * thread would start the ForkJoinPool scheduler and Thread.sleep loads a JFR event class, both measurable in a
     * plugin process that lives for a few tens of milliseconds.
     */
    private static final class Watchdog implements Runnable {
        private final SocketChannel channel;
        private final long nanos;
        private final CountDownLatch answered = new CountDownLatch(1);

        private Watchdog(SocketChannel channel, long nanos) {
            this.channel = channel;
            this.nanos = nanos;
        }

        static Watchdog start(SocketChannel channel, Duration timeout) {
            Watchdog watchdog = new Watchdog(channel, timeout.toNanos());
            Thread thread = new Thread(watchdog, "podnet-agent-timeout");
            thread.setDaemon(true);
            thread.start();
            return watchdog;
        }

        @Override
        public void run() {
            try {
                if (!answered.await(nanos, TimeUnit.NANOSECONDS)) {
                    channel.close();
                }
            } catch (InterruptedException | IOException ignored) {
                // nobody waits for this thread: an interrupt or a failed close leaves nothing to do
            }
        }
    }
}
