package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The NetworkConfig controller's writes meet a 409 when another writer came in between: they read again. */
class RetriedOnConflictTest {
    private final AtomicInteger calls = new AtomicInteger();

    /** Fails with {@code status} the first {@code failures} calls, then answers "done". */
    private Supplier<String> failing(int failures, int status) {
        return () -> {
            if (calls.incrementAndGet() <= failures) {
                throw new KubeApiException("http://api", status, "refused", null);
            }
            return "done";
        };
    }

    @Test
    void conflictsAreRetriedUpToTheAttempts() {
        assertThat(NetworkConfigController.retriedOnConflict(failing(NetworkConfigController.ATTEMPTS - 1, 409)))
                .isEqualTo("done");
        assertThat(calls).hasValue(NetworkConfigController.ATTEMPTS);
    }

    @Test
    void theLastConflictIsThrown() {
        assertThatThrownBy(() -> NetworkConfigController.retriedOnConflict(
                failing(NetworkConfigController.ATTEMPTS, 409))).isInstanceOf(KubeApiException.class)
                .hasMessageContaining("answered 409");
        assertThat(calls).hasValue(NetworkConfigController.ATTEMPTS);
    }

    @Test
    void otherErrorsAreNotRetried() {
        assertThatThrownBy(() -> NetworkConfigController.retriedOnConflict(failing(1, 403)))
                .hasMessageContaining("answered 403");
        assertThat(calls).hasValue(1);
    }
}
