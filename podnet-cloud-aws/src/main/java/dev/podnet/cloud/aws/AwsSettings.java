package dev.podnet.cloud.aws;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * How to reach EC2: region, optional endpoint override, credentials, retry attempts, call timeout and proxy. Immutable;
 * the builder checks each value when it is set (like jetcd's options), so a bad value fails where it is named, not
 * at the first cloud call.
 */
public final class AwsSettings {

    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Bounds one SPI call, retries and backoff included, so the warm-pool loop never hangs on a dead connection. */
    public static final Duration DEFAULT_API_CALL_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    private final String region;
    private final Optional<URI> endpoint;
    private final CredentialSource credentials;
    private final int maxAttempts;
    private final Duration apiCallTimeout;
    private final ProxySettings proxy;

    private AwsSettings(Builder b) {
        this.region = b.region;
        this.endpoint = b.endpoint;
        this.credentials = b.credentials;
        this.maxAttempts = b.maxAttempts;
        this.apiCallTimeout = b.apiCallTimeout;
        this.proxy = b.proxy;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder filled from environment variables with the SDK's and curl's names: AWS_REGION (else
     * AWS_DEFAULT_REGION), AWS_ENDPOINT_URL_EC2 (else AWS_ENDPOINT_URL), AWS_MAX_ATTEMPTS, AWS_ACCESS_KEY_ID +
     * AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN; otherwise the default chain) and the proxy variables of
     * {@link ProxySettings#fromEnvironment}. It returns the builder, not settings, because on a node the region may
     * have to come from instance metadata. A bad value throws IllegalArgumentException naming the variable.
     */
    public static Builder fromEnvironment(Map<String, String> env) {
        Builder b = builder();
        first(env, "AWS_REGION", "AWS_DEFAULT_REGION").ifPresent(v -> v.apply(b::region));
        first(env, "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL").ifPresent(v -> v.apply(b::endpoint));
        first(env, "AWS_MAX_ATTEMPTS").ifPresent(v -> v.apply(s -> {
            try {
                b.maxAttempts(Integer.parseInt(s.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number");
            }
        }));
        var key = first(env, "AWS_ACCESS_KEY_ID");
        var secret = first(env, "AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() != secret.isPresent()) {
            throw new IllegalArgumentException("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
        }
        if (key.isPresent()) {
            b.credentials(new CredentialSource.StaticKeys(key.get().value(), secret.get().value(),
                    first(env, "AWS_SESSION_TOKEN").map(Variable::value)));
        }
        b.proxy(ProxySettings.fromEnvironment(env));
        return b;
    }

    public String region() {
        return region;
    }

    public Optional<URI> endpoint() {
        return endpoint;
    }

    public CredentialSource credentials() {
        return credentials;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration apiCallTimeout() {
        return apiCallTimeout;
    }

    public ProxySettings proxy() {
        return proxy;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.region = region;
        b.endpoint = endpoint;
        b.credentials = credentials;
        b.maxAttempts = maxAttempts;
        b.apiCallTimeout = apiCallTimeout;
        b.proxy = proxy;
        return b;
    }

    @Override
    public String toString() {
        return "AwsSettings[region=" + region + ", endpoint=" + endpoint.map(URI::toString).orElse("default")
                + ", credentials=" + credentials + ", maxAttempts=" + maxAttempts + ", apiCallTimeout="
                + apiCallTimeout + ", proxy=" + proxy + "]";
    }

    public static final class Builder {
        private String region;
        private Optional<URI> endpoint = Optional.empty();
        private CredentialSource credentials = CredentialSource.defaultChain();
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration apiCallTimeout = DEFAULT_API_CALL_TIMEOUT;
        private ProxySettings proxy = ProxySettings.none();

        private Builder() {
        }

        public Builder region(String region) {
            if (region == null || !REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("region: '" + region + "' is not an AWS region name like us-east-1");
            }
            this.region = region;
            return this;
        }

        public Builder endpoint(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase();
            if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
                throw new IllegalArgumentException("endpoint: '" + endpoint + "' is not an http(s)://host[:port] URL");
            }
            if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null || endpoint.getRawUserInfo() != null) {
                throw new IllegalArgumentException("endpoint: '" + endpoint + "' must not carry user info, query or fragment");
            }
            this.endpoint = Optional.of(endpoint);
            return this;
        }

        public Builder endpoint(String endpoint) {
            try {
                return endpoint(new URI(endpoint.strip()));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("endpoint: '" + endpoint + "' is not a URL");
            }
        }

        public Builder credentials(CredentialSource credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        public Builder staticCredentials(String accessKeyId, String secretAccessKey) {
            return credentials(CredentialSource.staticKeys(accessKeyId, secretAccessKey));
        }

        /** Attempts per call including the first; 1 turns retries off. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 20) {
                throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " is not between 1 and 20");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder apiCallTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("apiCallTimeout: " + timeout + " is not a positive duration");
            }
            this.apiCallTimeout = timeout;
            return this;
        }

        public Builder proxy(ProxySettings proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        public AwsSettings build() {
            if (region == null) {
                throw new IllegalArgumentException("region: not set (set AWS_REGION, or take it from instance metadata)");
            }
            return new AwsSettings(this);
        }
    }

    private record Variable(String name, String value) {
        /** Applies a setter and names the variable in its error. */
        void apply(Consumer<String> setter) {
            try {
                setter.accept(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + "=" + value + ": " + e.getMessage(), e);
            }
        }
    }

    private static Optional<Variable> first(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(new Variable(name, value));
            }
        }
        return Optional.empty();
    }
}
