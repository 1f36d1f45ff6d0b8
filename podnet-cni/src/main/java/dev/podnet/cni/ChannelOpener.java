package dev.podnet.cni;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Path;

/**
 * Opens an unconnected unix socket channel on a daemon thread, so the JDK's first-use initialization of unix
 * sockets runs while the caller reads its configuration, and connects it once the caller knows the path.
 */
final class ChannelOpener implements Runnable {
    static final String PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";
    static final String EPOLL_PROVIDER = "sun.nio.ch.EPollSelectorProvider";

    private SocketChannel channel;
    private boolean done;
    private boolean discarded;

    private ChannelOpener() {
    }

    static ChannelOpener start() {
        ChannelOpener opener = new ChannelOpener();
        Thread thread = new Thread(opener, "podnet-socket-open");
        thread.setDaemon(true);
        thread.start();
        return opener;
    }

    @Override
    public void run() {
        SocketChannel opened = null;
        try {
            preferEpollProvider();
            opened = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException | RuntimeException | Error ignored) {
            // connect() then answers null, and the plugin's full path opens its own channel and reports the failure
        } finally {
            synchronized (this) {
                channel = opened;
                done = true;
                notifyAll();
                if (discarded) {
                    closeQuietly();
                }
            }
        }
    }

    /**
     * Names the JDK's own Linux provider in the documented {@code java.nio.channels.spi.SelectorProvider} property,
     * which spares the first channel a service lookup that opens every jar on the class path (about 5 ms of a
     * plugin run). {@code sun.nio.ch.DefaultSelectorProvider} is exactly a {@code new EPollSelectorProvider()} on
     * Linux. Set only after checking everything the JDK's property lookup relies on, so a JDK without that class
     * keeps the ordinary lookup instead of failing every socket.
     */
    static void preferEpollProvider() {
        if (System.getProperty(PROVIDER_PROPERTY) != null) {
            return;
        }
        try {
            Class<?> epoll = Class.forName(EPOLL_PROVIDER, false, ClassLoader.getSystemClassLoader());
            if (SelectorProvider.class.isAssignableFrom(epoll) && Modifier.isPublic(epoll.getModifiers())
                    && !Modifier.isAbstract(epoll.getModifiers()) && Modifier.isPublic(epoll.getConstructor().getModifiers())) {
                System.setProperty(PROVIDER_PROPERTY, EPOLL_PROVIDER);
            }
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError ignored) {
            // another JDK: the service lookup it is
        }
    }

    /** The channel connected to {@code socket}; null if it could not be opened or connected. */
    synchronized SocketChannel connect(Path socket) {
        boolean interrupted = false;
        while (!done) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (channel == null) {
            return null;
        }
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            return null;
        }
    }

    /** Not needed after all: closed now, or by the opening thread when it is done. */
    synchronized void discard() {
        discarded = true;
        if (done) {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        closeQuietly(channel);
        channel = null;
    }

    static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was left to send or read
            }
        }
    }
}
