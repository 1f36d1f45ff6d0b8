package dev.podnet.store.etcd;

import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps what jetcd and gRPC throw to {@link StoreException} kinds by status code, never by message text. etcd
 * answers NOT_FOUND only for a missing lease on these calls, OUT_OF_RANGE for a compacted (or future) revision,
 * INVALID_ARGUMENT and FAILED_PRECONDITION for a request it will never accept; every other code means the cluster
 * could not serve the call now.
 */
final class EtcdErrors {

    private EtcdErrors() {
    }

    static StoreException map(Throwable thrown, String what, String endpoints) {
        Throwable t = unwrap(thrown);
        if (t instanceof StoreException se) {
            return se;
        }
        if (t instanceof CompactedException c) {
            return new StoreException(Kind.COMPACTED, what + ": etcd compacted the revisions up to "
                    + c.getCompactedRevision() + "; read with range() and watch from its revision", t);
        }
        if (t instanceof ClosedClientException) {
            return new StoreException(Kind.UNAVAILABLE, what + ": the etcd client is closed", t);
        }
        ErrorCode code = code(t);
        Kind kind = kind(code);
        String detail = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        String message = switch (kind) {
            case UNAVAILABLE -> what + ": etcd at " + endpoints + " is unavailable (" + code + ": " + detail + ")";
            case LEASE_EXPIRED -> what + ": the lease has expired or was revoked (" + detail + ")";
            default -> what + ": " + detail + " (" + code + ")";
        };
        return new StoreException(kind, message, t);
    }

    static Kind kind(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> Kind.LEASE_EXPIRED;
            case OUT_OF_RANGE -> Kind.COMPACTED;
            case INVALID_ARGUMENT, FAILED_PRECONDITION -> Kind.INVALID;
            default -> Kind.UNAVAILABLE;
        };
    }

    private static ErrorCode code(Throwable t) {
        if (t instanceof EtcdException e) {
            return e.getErrorCode();
        }
        // gRPC's own exceptions, possibly wrapped; anything else (a refused connection) comes out as UNKNOWN.
        return ErrorCode.valueOf(Status.fromThrowable(t).getCode().name());
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
