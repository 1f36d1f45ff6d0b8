package dev.podnet.kube;

import dev.podnet.net.InvalidInputException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the API server is, found as kubectl and the VPC CNI find it: {@code --kubeconfig FILE}, else the file named by
 * {@code KUBECONFIG}, else the pod's service account when {@code KUBERNETES_SERVICE_HOST} is set (in-cluster); else
 * there is none and podnet runs without Kubernetes. Requests time out in seconds, not minutes: an agent whose API
 * server is down answers the plugin at once and serves what does not need it.
 */
public final class KubeConnection {
    /** How long one request may take; the client's own default is minutes. */
    static final int REQUEST_TIMEOUT_MS = 5_000;
    static final int CONNECT_TIMEOUT_MS = 3_000;

    private KubeConnection() {
    }

    /** The client, or empty when nothing says where an API server is. */
    public static Optional<KubernetesClient> connect(Optional<Path> kubeconfig, Map<String, String> env) {
        return config(kubeconfig, env).map(c -> new KubernetesClientBuilder().withConfig(c).build());
    }

    static Optional<Config> config(Optional<Path> kubeconfig, Map<String, String> env) {
        Optional<Path> file = kubeconfig.or(() -> Optional.ofNullable(env.get("KUBECONFIG")).filter(s -> !s.isBlank())
                .map(s -> Path.of(s.split(java.io.File.pathSeparator)[0])));
        Config config;
        if (file.isPresent()) {
            try {
                config = Config.fromKubeconfig(null, Files.readString(file.get()), file.get().toString());
            } catch (IOException e) {
                throw new InvalidInputException("kubeconfig " + file.get() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                throw new InvalidInputException("kubeconfig " + file.get() + " is not a kubeconfig: " + e.getMessage());
            }
        } else if (!env.getOrDefault("KUBERNETES_SERVICE_HOST", "").isBlank()) {
            config = Config.autoConfigure(null); // the service account's token and CA, as every in-cluster client
        } else {
            return Optional.empty();
        }
        config.setRequestTimeout(REQUEST_TIMEOUT_MS);
        config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        config.setRequestRetryBackoffLimit(0);
        return Optional.of(config);
    }

    /** The API server's URL as the client was configured with it, for messages. */
    public static String server(KubernetesClient client) {
        return String.valueOf(client.getMasterUrl()).replaceAll("/$", "");
    }

    /**
     * The node's name: {@code --node-name}, else {@code MY_NODE_NAME} (the VPC CNI's variable), else the host name,
     * lower-cased as kubelet names its node by default.
     */
    public static String nodeName(Optional<String> flag, Map<String, String> env) {
        return flag.filter(s -> !s.isBlank())
                .or(() -> Optional.ofNullable(env.get("MY_NODE_NAME")).filter(s -> !s.isBlank()))
                .orElseGet(KubeConnection::hostName);
    }

    /** Lower-cased, as kubelet names its node by default. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            throw new InvalidInputException("no node name: give --node-name or MY_NODE_NAME (" + e.getMessage() + ")");
        }
    }
}
