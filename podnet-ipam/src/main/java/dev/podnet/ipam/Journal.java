package dev.podnet.ipam;

import dev.podnet.ipam.JournalRecord.Header;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One journal file with group commit. Callers {@link #enqueue} records while holding the engine's lock, which
 * fixes the order of records to the order of the changes, and then {@link #awaitDurable} outside it. One caller
 * at a time writes everything queued so far and forces it once; callers that queued meanwhile wait and are woken
 * together, so N concurrent callers share a handful of forces.
 * Sequence numbers continue across journal files, so a ticket taken before a compaction stays meaningful.
 */
final class Journal implements Closeable {

    static final String KIND = "journal";

    /** Longest a writer waits for callers already on their way to queue a record (PostgreSQL's commit_delay). */
    private static final long GATHER_NANOS = 200_000;

    private final Path path;
    private final FileChannel channel;
    private final AtomicLong fsyncs;
    private final BooleanSupplier moreComing;
    private final ReentrantLock queueLock = new ReentrantLock();
    private ByteArrayOutputStream queue = new ByteArrayOutputStream();
    private long enqueued;
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition written = syncLock.newCondition();
    /** Whether some caller is writing and forcing a batch; guarded by syncLock, as are the fields below. */
    private boolean writing;
    private volatile long durable;
    private volatile long size;
    private IOException failure;

    private Journal(Path path, FileChannel channel, long size, long seqBase, AtomicLong fsyncs,
                    BooleanSupplier moreComing) {
        this.path = path;
        this.moreComing = moreComing;
        this.channel = channel;
        this.size = size;
        this.enqueued = seqBase;
        this.durable = seqBase;
        this.fsyncs = fsyncs;
    }

    /**
     * Opens a journal whose first {@code validLength} bytes were replayed: a torn tail beyond them is cut off
     * and the cut forced before anything is appended; an empty file gets its header. {@code moreComing} tells
     * a writer that other callers are about to queue records, so waiting a moment lets one force cover them.
     */
    static Journal open(Path path, long generation, long validLength, long seqBase, AtomicLong fsyncs,
                        BooleanSupplier moreComing) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            if (channel.size() > validLength) {
                channel.truncate(validLength);
                channel.force(true);
            }
            Journal journal = new Journal(path, channel, validLength, seqBase, fsyncs, moreComing);
            if (validLength == 0) {
                journal.enqueue(new Header(KIND, RecordCodec.VERSION, generation));
                journal.flush();
            }
            return journal;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    /** Queues a record; returns its sequence number. Does no I/O. */
    long enqueue(JournalRecord record) {
        byte[] frame = RecordCodec.frame(record);
        queueLock.lock();
        try {
            queue.writeBytes(frame);
            return ++enqueued;
        } finally {
            queueLock.unlock();
        }
    }

    long lastEnqueued() {
        queueLock.lock();
        try {
            return enqueued;
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Returns once record {@code seq} is on disk. If no one is writing, the caller becomes the writer for
     * everything queued so far; otherwise it sleeps until a write finishes, and all sleepers wake at once, so
     * those covered return and one of the rest writes the next batch.
     */
    void awaitDurable(long seq) throws IOException {
        if (durable >= seq) {
            return;
        }
        syncLock.lock();
        try {
            while (true) {
                if (durable >= seq) {
                    return;
                }
                if (failure != null) {
                    // After a failed force the page cache cannot be trusted (fsyncgate): never retry.
                    throw new IOException("journal " + path + " failed earlier", failure);
                }
                if (!writing) {
                    writing = true;
                    break;
                }
                written.awaitUninterruptibly();
            }
        } finally {
            syncLock.unlock();
        }
        writeBatch();
        if (durable < seq) {
            throw new IOException("journal " + path + " failed", failure);
        }
    }

    /** The writer's turn: gather, write and force everything queued, then wake every waiter. */
    private void writeBatch() {
        byte[] batch = new byte[0];
        long upTo = -1;
        IOException error = null;
        try {
            long deadline = System.nanoTime() + GATHER_NANOS;
            while (moreComing.getAsBoolean() && System.nanoTime() - deadline < 0) {
                Thread.yield();
            }
            queueLock.lock();
            try {
                batch = queue.toByteArray();
                queue = new ByteArrayOutputStream();
                upTo = enqueued;
            } finally {
                queueLock.unlock();
            }
            ByteBuffer buffer = ByteBuffer.wrap(batch);
            long position = size;
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            channel.force(false);
            fsyncs.incrementAndGet();
        } catch (IOException e) {
            error = e;
        } finally {
            syncLock.lock();
            try {
                writing = false;
                if (error == null && upTo >= 0) {
                    size += batch.length;
                    durable = upTo;
                } else {
                    failure = error != null ? error : new IOException("journal write did not complete");
                }
                written.signalAll();
            } finally {
                syncLock.unlock();
            }
        }
    }

    void flush() throws IOException {
        awaitDurable(lastEnqueued());
    }

    /** Bytes on disk, for the compaction trigger. */
    long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }

    /** Drops the file handle without writing what is queued, as a killed process would. */
    void abandon() throws IOException {
        channel.close();
    }
}
