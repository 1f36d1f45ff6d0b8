package dev.podnet.store;

import dev.podnet.store.StoreRecord.Header;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One journal file with group commit. Callers {@link #enqueue} records while holding the store's lock, which fixes
 * their order to the order of the changes, and then {@link #awaitDurable} outside it. A writer thread of the
 * journal's own writes everything queued so far and forces it once, so callers that queue while a force is running
 * share the next one. The writer is a thread of ours rather than a caller because an interrupted thread that touches
 * a FileChannel closes it: one cancelled caller must not take the journal away from the others.
 * Sequence numbers continue across journal files, so a ticket taken before a compaction stays meaningful.
 */
final class StoreJournal implements Closeable {

    static final String KIND = "journal";

    private final Path path;
    private final FileChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final Condition written = lock.newCondition();
    private final Thread writer;
    // Guarded by lock:
    private ByteArrayOutputStream queue = new ByteArrayOutputStream();
    private long enqueued;
    private IOException failure;
    private boolean stopping;
    private long size;
    private volatile long durable;

    private StoreJournal(Path path, FileChannel channel, long size, long seqBase) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.enqueued = seqBase;
        this.durable = seqBase;
        this.writer = Thread.ofPlatform().daemon().name("podnet-store-journal").unstarted(this::writeLoop);
    }

    /**
     * Opens a journal whose first {@code validLength} bytes were replayed: a torn tail beyond them is cut off and
     * the cut forced before anything is appended; an empty file gets its header.
     */
    static StoreJournal open(Path path, long generation, long validLength, long seqBase) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            if (channel.size() > validLength) {
                channel.truncate(validLength);
                channel.force(true);
            }
            StoreJournal journal = new StoreJournal(path, channel, validLength, seqBase);
            journal.writer.start();
            if (validLength == 0) {
                journal.enqueue(new Header(KIND, StoreCodec.VERSION, generation));
                journal.flush();
            }
            return journal;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Queues a record; returns its sequence number. Does no I/O. */
    long enqueue(StoreRecord record) {
        byte[] frame = StoreCodec.frame(record);
        lock.lock();
        try {
            queue.writeBytes(frame);
            queued.signal();
            return ++enqueued;
        } finally {
            lock.unlock();
        }
    }

    long lastEnqueued() {
        lock.lock();
        try {
            return enqueued;
        } finally {
            lock.unlock();
        }
    }

    /** Returns once record {@code seq} is on disk; ignores interrupts, like the write it waits for. */
    void awaitDurable(long seq) throws IOException {
        if (durable >= seq) {
            return;
        }
        lock.lock();
        try {
            while (durable < seq) {
                if (failure != null) {
                    // After a failed force the page cache cannot be trusted (fsyncgate): never retry.
                    throw new IOException("journal " + path + " failed", failure);
                }
                if (stopping) {
                    throw new IOException("journal " + path + " is closed");
                }
                written.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    private void writeLoop() {
        while (true) {
            byte[] batch;
            long upTo;
            lock.lock();
            try {
                while (queue.size() == 0 && !stopping) {
                    queued.awaitUninterruptibly();
                }
                if (queue.size() == 0 || failure != null) {
                    return;
                }
                batch = queue.toByteArray();
                queue = new ByteArrayOutputStream();
                upTo = enqueued;
            } finally {
                lock.unlock();
            }
            IOException error = null;
            try {
                ByteBuffer buffer = ByteBuffer.wrap(batch);
                long position = size;
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                channel.force(false);
            } catch (IOException e) {
                error = e;
            }
            lock.lock();
            try {
                if (error == null) {
                    size += batch.length;
                    durable = upTo;
                } else {
                    failure = error;
                }
                written.signalAll();
                if (error != null) {
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    void flush() throws IOException {
        awaitDurable(lastEnqueued());
    }

    /** Bytes on disk, for the compaction trigger. */
    long size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Writes what is queued, stops the writer and closes the file. */
    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            stop(false);
            channel.close();
        }
    }

    /** Drops the file handle without writing what is queued, as a killed process would. */
    void abandon() throws IOException {
        stop(true);
        channel.close();
    }

    private void stop(boolean discard) {
        lock.lock();
        try {
            stopping = true;
            if (discard) {
                queue = new ByteArrayOutputStream();
            }
            queued.signal();
            written.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != writer) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
