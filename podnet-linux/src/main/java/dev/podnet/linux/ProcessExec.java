package dev.podnet.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts the command as a child process. Its output is drained on two virtual threads while the input is written,
 * so a command that prints a lot before reading all of a long batch never stalls on a full pipe.
 */
public final class ProcessExec implements Exec {
    /** {@code ip} answers in milliseconds; only a wedged kernel call takes this long. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Duration timeout;

    public ProcessExec(Duration timeout) {
        this.timeout = timeout;
    }

    public ProcessExec() {
        this(DEFAULT_TIMEOUT);
    }

    @Override
    public Result run(List<String> argv, String stdin) {
        Process process;
        try {
            process = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            throw new LinuxException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
        Future<String> out = drain(process.getInputStream());
        Future<String> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The command exited without reading all of its input; its exit status and stderr say why.
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new LinuxException(String.join(" ", argv) + " did not finish within " + timeout + "; killed it");
            }
            return new Result(process.exitValue(), out.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    err.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LinuxException("interrupted while running " + String.join(" ", argv), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new LinuxException("cannot read the output of " + String.join(" ", argv) + ": " + e, e);
        }
    }

    private static Future<String> drain(InputStream stream) {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Thread.ofVirtual().name("exec-drain").start(task);
        return task;
    }
}
