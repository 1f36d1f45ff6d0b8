package dev.podnet.store.etcd;

import dev.podnet.store.Keys;
import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to reach etcd: client endpoints ({@code http://host:port}), the bound on every call, the connect timeout, and
 * an optional namespace prepended to every key (several clusters, or tests, can share one etcd that way).
 * Immutable; the builder checks each value as it is set.
 */
public record EtcdStoreOptions(List<URI> endpoints, Duration requestTimeout, Duration connectTimeout,
                               String namespace) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    public EtcdStoreOptions {
        endpoints = List.copyOf(endpoints);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<URI> endpoints = new ArrayList<>();
        private Duration requestTimeout = DEFAULT_TIMEOUT;
        private Duration connectTimeout = DEFAULT_TIMEOUT;
        private String namespace = "";

        private Builder() {
        }

        /** Replaces the endpoints, e.g. {@code http://127.0.0.1:2379}. */
        public Builder endpoints(String... urls) {
            return endpoints(List.of(urls));
        }

        public Builder endpoints(List<String> urls) {
            if (urls.isEmpty()) {
                throw invalid("at least one etcd endpoint is needed");
            }
            List<URI> parsed = new ArrayList<>();
            for (String url : urls) {
                parsed.add(endpoint(url));
            }
            endpoints.clear();
            endpoints.addAll(parsed);
            return this;
        }

        /** Bounds every call; a call that takes longer fails with UNAVAILABLE. Default 2 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** Bounds one TCP connect to an endpoint. Default 2 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** A prefix for every key this store reads and writes, invisible to its callers. Default none. */
        public Builder namespace(String prefix) {
            if (prefix == null) {
                throw invalid("namespace must not be null (use \"\" for none)");
            }
            if (!prefix.isEmpty()) {
                Keys.requirePrefix(prefix);
            }
            this.namespace = prefix;
            return this;
        }

        public EtcdStoreOptions build() {
            if (endpoints.isEmpty()) {
                throw invalid("at least one etcd endpoint is needed");
            }
            return new EtcdStoreOptions(endpoints, requestTimeout, connectTimeout, namespace);
        }

        public EtcdStore open() {
            return EtcdStore.open(build());
        }

        private static URI endpoint(String url) {
            URI uri;
            try {
                uri = new URI(url == null ? "" : url.strip());
            } catch (URISyntaxException e) {
                throw invalid("etcd endpoint \"" + url + "\" is not a URL (expected http://host:port): "
                        + e.getMessage());
            }
            if (!"http".equals(uri.getScheme())) {
                throw invalid("etcd endpoint \"" + url + "\" must be http://host:port (TLS is not supported yet)");
            }
            if (uri.getHost() == null || uri.getPort() < 1) {
                throw invalid("etcd endpoint \"" + url + "\" needs a host and a port, e.g. http://127.0.0.1:2379");
            }
            if (!(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                    || uri.getRawQuery() != null) {
                throw invalid("etcd endpoint \"" + url + "\" must not have a path or query");
            }
            return uri;
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw invalid(name + " must be positive, got " + d);
            }
            return d;
        }

        private static StoreException invalid(String message) {
            return new StoreException(Kind.INVALID, message);
        }
    }
}
