package dev.podnet.net;

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
 * One journal file of a {@link JournaledDirectory}, with group commit. Callers {@link #enqueue} records while holding
 * their engine's lock, which fixes the order of the records to the order of the changes, and then
 * {@link #awaitDurable} outside it. A writer thread of the journal's own writes everything queued so far and forces
 * it once, so callers that queue while a force is running share the next one. The writer is a thread of ours rather
 * than a caller because an interrupted thread that touches a FileChannel closes it: one cancelled caller must not
 * take the journal away from the others. Sequence numbers continue across journal files, so a ticket taken before a
 * compaction stays meaningful.
 */
public final class GroupCommitJournal<R> implements Closeable {

    /** Longest the writer waits for callers already on their way to queue a record (PostgreSQL's commit_delay). */
    private static final long GATHER_NANOS = 200_000;

    private final Path path;
    private final FileChannel channel;
    private final RecordFormat<R> format;
    private final AtomicLong fsyncs;
    private final BooleanSupplier moreComing;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final Condition written = lock.newCondition();
    private final Thread writer;
    // Guarded by lock:
    private ByteArrayOutputStream queue = new ByteArrayOutputStream();
    private long enqueued;
    private IOException failure;
    private boolean stopping;
    // Written by the writer only:
    private volatile long size;
    private volatile long durable;

    private GroupCommitJournal(Path path, FileChannel channel, RecordFormat<R> format, long size, long seqBase,
                               AtomicLong fsyncs, BooleanSupplier moreComing) {
        this.path = path;
        this.channel = channel;
        this.format = format;
        this.size = size;
        this.enqueued = seqBase;
        this.durable = seqBase;
        this.fsyncs = fsyncs;
        this.moreComing = moreComing;
        this.writer = Thread.ofPlatform().daemon().name("podnet-journal").unstarted(this::writeLoop);
    }

    /**
     * Opens a journal whose first {@code validLength} bytes were replayed: a torn tail beyond them is cut off and
     * the cut forced before anything is appended; an empty file gets {@code header}, forced before this returns.
     * {@code moreComing} tells the writer that other callers are about to queue records, so waiting a moment lets
     * one force cover them; {@code fsyncs} counts the forces.
     */
    static <R> GroupCommitJournal<R> open(Path path, byte[] header, long validLength, long seqBase,
                                          RecordFormat<R> format, AtomicLong fsyncs, BooleanSupplier moreComing)
            throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            if (channel.size() > validLength) {
                channel.truncate(validLength);
                channel.force(true);
            }
            GroupCommitJournal<R> journal = new GroupCommitJournal<>(path, channel, format, validLength, seqBase,
                    fsyncs, moreComing);
            journal.writer.start();
            if (validLength == 0) {
                try {
                    journal.awaitDurable(journal.enqueueFrame(header));
                } catch (IOException | RuntimeException e) {
                    journal.abandon();
                    throw e;
                }
            }
            return journal;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Queues a record; returns its sequence number. Does no I/O. */
    public long enqueue(R record) {
        return enqueueFrame(FramedFile.frame(format.payload(record)));
    }

    private long enqueueFrame(byte[] frame) {
        lock.lock();
        try {
            queue.writeBytes(frame);
            queued.signal();
            return ++enqueued;
        } finally {
            lock.unlock();
        }
    }

    public long lastEnqueued() {
        lock.lock();
        try {
            return enqueued;
        } finally {
            lock.unlock();
        }
    }

    /** Returns once record {@code seq} is on disk; ignores interrupts, like the write it waits for. */
    public void awaitDurable(long seq) throws IOException {
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

    public void flush() throws IOException {
        awaitDurable(lastEnqueued());
    }

    /** Bytes on disk, for the compaction trigger. */
    public long size() {
        return size;
    }

    private void writeLoop() {
        while (true) {
            if (!awaitWork()) {
                return;
            }
            gather();
            byte[] batch;
            long upTo;
            lock.lock();
            try {
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
                fsyncs.incrementAndGet();
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

    /** Waits until something is queued; false once the journal is stopping with nothing left to write. */
    private boolean awaitWork() {
        lock.lock();
        try {
            while (queue.size() == 0 && !stopping) {
                queued.awaitUninterruptibly();
            }
            return queue.size() > 0 && failure == null;
        } finally {
            lock.unlock();
        }
    }

    /** Gives callers queued on the engine's lock a moment to add their records to this batch. */
    private void gather() {
        long deadline = System.nanoTime() + GATHER_NANOS;
        while (moreComing.getAsBoolean() && System.nanoTime() - deadline < 0) {
            Thread.yield();
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
    public void abandon() throws IOException {
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
            boolean interrupted = false;
            while (true) {
                try {
                    writer.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
