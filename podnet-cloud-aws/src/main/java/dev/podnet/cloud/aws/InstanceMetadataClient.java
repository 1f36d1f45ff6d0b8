package dev.podnet.cloud.aws;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.Ec2Error;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * Reads instance metadata with IMDSv2: PUT /latest/api/token for a session token, then GETs carrying it. IMDSv1
 * (GETs without a token) is never tried, since hardened instances refuse it. Failures are CloudExceptions:
 * {@link Ec2Error#UNAVAILABLE} when the service cannot be reached in time, "InstanceMetadataError" when it answers
 * with an error status.
 */
public final class InstanceMetadataClient {

    public static final URI DEFAULT_ENDPOINT = URI.create("http://169.254.169.254");
    public static final URI DEFAULT_IPV6_ENDPOINT = URI.create("http://[fd00:ec2::254]");
    /** Short: off EC2 nothing answers at the link-local address, and start-up should say so quickly. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** The SDK's variable names, so one setting serves the SDK's credential chain and podnet. */
    static final String ENDPOINT_VARIABLE = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
    static final String ENDPOINT_MODE_VARIABLE = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
    static final String DISABLED_VARIABLE = "AWS_EC2_METADATA_DISABLED";
    static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    static final String TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    /** The token is used for the few reads right after it is issued. */
    private static final int TOKEN_TTL_SECONDS = 300;

    private final URI endpoint;
    private final Duration timeout;

    public InstanceMetadataClient(URI endpoint, Duration timeout) {
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("instance metadata endpoint '" + endpoint + "' is not an http URL");
        }
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    /**
     * The endpoint as the SDK picks it: AWS_EC2_METADATA_SERVICE_ENDPOINT, else the IPv6 address when
     * AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is IPv6, else 169.254.169.254. AWS_EC2_METADATA_DISABLED=true refuses.
     */
    public static URI endpoint(Map<String, String> env) {
        if ("true".equalsIgnoreCase(env.getOrDefault(DISABLED_VARIABLE, "").strip())) {
            throw new CloudException(Ec2Error.UNAVAILABLE, "instance metadata is disabled by " + DISABLED_VARIABLE
                    + "=true: set the instance id and region explicitly");
        }
        String value = env.getOrDefault(ENDPOINT_VARIABLE, "").strip();
        if (!value.isEmpty()) {
            try {
                return new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(ENDPOINT_VARIABLE + "=" + value + ": not a URL");
            }
        }
        return "ipv6".equalsIgnoreCase(env.getOrDefault(ENDPOINT_MODE_VARIABLE, "").strip())
                ? DEFAULT_IPV6_ENDPOINT : DEFAULT_ENDPOINT;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Instance id, region and availability zone, with one token for the three reads. */
    public InstanceIdentity identity() {
        // No proxy ever: the service is link-local, and HTTP(S)_PROXY must not send metadata requests elsewhere.
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).proxy(HttpClient.Builder.NO_PROXY)
                .followRedirects(HttpClient.Redirect.NEVER).build()) {
            String token = send(http, HttpRequest.newBuilder(uri("/latest/api/token"))
                    .header(TOKEN_TTL_HEADER, Integer.toString(TOKEN_TTL_SECONDS))
                    .PUT(HttpRequest.BodyPublishers.noBody()), "/latest/api/token");
            return new InstanceIdentity(get(http, token, "/latest/meta-data/instance-id"),
                    get(http, token, "/latest/meta-data/placement/region"),
                    get(http, token, "/latest/meta-data/placement/availability-zone"));
        }
    }

    private String get(HttpClient http, String token, String path) {
        return send(http, HttpRequest.newBuilder(uri(path)).header(TOKEN_HEADER, token).GET(), path);
    }

    private String send(HttpClient http, HttpRequest.Builder request, String path) {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw unreachable(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("interrupted");
        }
        String body = response.body().strip();
        if (response.statusCode() != 200 || body.isEmpty()) {
            throw new CloudException("InstanceMetadataError", "instance metadata at " + endpoint + " answered "
                    + path + " with HTTP " + response.statusCode() + (body.isEmpty() ? " and no value" : ""));
        }
        return body;
    }

    private CloudException unreachable(String why) {
        return new CloudException(Ec2Error.UNAVAILABLE, "instance metadata service at " + endpoint
                + " is unreachable (" + why + "): not on EC2, or the hop limit is too low for a container? "
                + ENDPOINT_VARIABLE + " names another endpoint");
    }

    private URI uri(String path) {
        return URI.create(endpoint.toString() + path);
    }
}
