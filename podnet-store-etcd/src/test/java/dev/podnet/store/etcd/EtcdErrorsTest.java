package dev.podnet.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.store.StoreException.Kind;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.grpc.Status;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class EtcdErrorsTest {

    private static final String AT = "[http://127.0.0.1:2379]";

    @Test
    void statusCodesMapToKinds() {
        assertThat(kindOf(ErrorCode.NOT_FOUND)).isEqualTo(Kind.LEASE_EXPIRED);
        assertThat(kindOf(ErrorCode.OUT_OF_RANGE)).isEqualTo(Kind.COMPACTED);
        assertThat(kindOf(ErrorCode.INVALID_ARGUMENT)).isEqualTo(Kind.INVALID);
        assertThat(kindOf(ErrorCode.FAILED_PRECONDITION)).isEqualTo(Kind.INVALID);
        for (ErrorCode code : new ErrorCode[] {ErrorCode.UNAVAILABLE, ErrorCode.DEADLINE_EXCEEDED,
                ErrorCode.CANCELLED, ErrorCode.UNKNOWN, ErrorCode.INTERNAL, ErrorCode.RESOURCE_EXHAUSTED,
                ErrorCode.PERMISSION_DENIED, ErrorCode.UNAUTHENTICATED, ErrorCode.ABORTED}) {
            assertThat(kindOf(code)).as(code.name()).isEqualTo(Kind.UNAVAILABLE);
        }
    }

    @Test
    void theCodeDecidesNotTheMessage() {
        // A message that reads like a missing lease, with a code that says the cluster is down.
        var e = EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "etcdserver: requested lease not found");
        assertThat(EtcdErrors.map(e, "put /k", AT).kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void wrappedGrpcAndOtherFailuresAreUnwrapped() {
        var grpc = new CompletionException(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException());
        var mapped = EtcdErrors.map(grpc, "get /k", AT);
        assertThat(mapped.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(mapped.getMessage()).contains("get /k").contains(AT);
        assertThat(EtcdErrors.map(new ExecutionException(Status.NOT_FOUND.asException()), "put", AT).kind())
                .isEqualTo(Kind.LEASE_EXPIRED);
        assertThat(EtcdErrors.map(new IOException("connection refused"), "get", AT).kind())
                .isEqualTo(Kind.UNAVAILABLE);
        assertThat(EtcdErrors.map(EtcdExceptionFactory.newCompactedException(42), "watch /p/", AT).kind())
                .isEqualTo(Kind.COMPACTED);
    }

    private static Kind kindOf(ErrorCode code) {
        return EtcdErrors.map(EtcdExceptionFactory.newEtcdException(code, "x"), "call", AT).kind();
    }
}
