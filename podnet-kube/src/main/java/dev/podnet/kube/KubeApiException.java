package dev.podnet.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.util.function.Supplier;

/**
 * A call to the API server that got no usable answer: the server is down or unreachable, timed out, or refused the
 * request. The message names the server, so the operator reading a pod's event knows which endpoint to check; the
 * agent answers an ADD that needed the answer with CNI code 11 (try again later), and changes nothing.
 */
public final class KubeApiException extends RuntimeException {
    private final String server;
    private final int status;

    public KubeApiException(String server, int status, String message, Throwable cause) {
        super("the Kubernetes API server at " + server + (status > 0 ? " answered " + status + ": " : " did not answer: ")
                + message, cause);
        this.server = server;
        this.status = status;
    }

    /** One call; a failure becomes this exception. A missing object is not a failure: fabric8's get() returns null. */
    public static <T> T call(KubernetesClient client, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw new KubeApiException(KubeConnection.server(client), e.getCode(), why(e), e);
        }
    }

    /** fabric8 says "Operation: [get] ... failed." about a connection failure; the reason is in its causes. */
    private static String why(KubernetesClientException e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                return c.getMessage();
            }
            if (c instanceof ConnectException) {
                return "cannot connect";
            }
        }
        return e.getMessage();
    }

    /** The server's URL, as the client was configured with it. */
    public String server() {
        return server;
    }

    /** The HTTP status the server answered; 0 when it did not answer. */
    public int status() {
        return status;
    }

    /** Whether the server as a whole is in trouble (no answer, 5xx, throttled), rather than refusing this one request. */
    public boolean unavailable() {
        return status <= 0 || status >= 500 || status == 429;
    }
}
