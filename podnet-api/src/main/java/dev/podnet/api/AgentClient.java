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
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(timeout);
                channel.close();
            } catch (InterruptedException | IOException ignored) {
                // answered in time, or already closed
            }
        });
        try (channel; OutputStream out = Channels.newOutputStream(channel);
             InputStream in = new BufferedInputStream(Channels.newInputStream(channel))) {
            out.write(AgentWire.encode(request)); // one line, newline included
            out.flush();
            byte[] line = AgentWire.readLine(in, maxReplyBytes);
            if (line == null) {
                throw new IOException("the agent closed the connection without answering");
            }
            return AgentWire.decodeReply(line, maxReplyBytes);
        } finally {
            watchdog.interrupt();
        }
    }
}
