package dev.podnet.store.kube;

import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;

/**
 * The API server's answers as {@link StoreException} kinds, by HTTP status, never by message text. 404 and 409 are
 * answers the store asks for (absent, lost a race) and handled where they are expected; 422 means a request it will
 * never accept; anything else, and no answer at all (code 0: refused, timed out), means the API server cannot serve
 * the store now.
 */
final class KubeErrors {
    static final int NOT_FOUND = 404;
    static final int CONFLICT = 409;

    private final String server;

    KubeErrors(String server) {
        this.server = server;
    }

    /** Runs one API call; every failure comes out as a StoreException naming {@code what} and the server. */
    <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (KubernetesClientException e) {
            throw map(e, what);
        }
    }

    /** Runs a create or a compare-and-swap update: false when another writer got there first (409). */
    boolean write(String what, Runnable body) {
        try {
            body.run();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == CONFLICT) {
                return false;
            }
            throw map(e, what);
        }
    }

    StoreException map(KubernetesClientException e, String what) {
        int code = e.getCode();
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : rootMessage(e);
        return switch (code) {
            case 422 -> new StoreException(Kind.INVALID, what + ": the API server refused it: " + detail, e);
            case 0 -> new StoreException(Kind.UNAVAILABLE, what + ": the API server at " + server
                    + " is unavailable (" + detail + ")", e);
            case 401, 403 -> new StoreException(Kind.UNAVAILABLE, what + ": the API server at " + server
                    + " does not allow it (HTTP " + code + ": " + detail + "); check the credentials and RBAC", e);
            case NOT_FOUND -> new StoreException(Kind.UNAVAILABLE, what + ": the API server at " + server
                    + " does not serve it (HTTP 404: " + detail + "); are podnet's CRDs installed?", e);
            default -> new StoreException(Kind.UNAVAILABLE, what + ": the API server at " + server
                    + " failed (HTTP " + code + ": " + detail + ")", e);
        };
    }

    String server() {
        return server;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
