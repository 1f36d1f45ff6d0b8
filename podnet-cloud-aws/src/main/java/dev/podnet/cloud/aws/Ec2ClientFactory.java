package dev.podnet.cloud.aws;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.apache5.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.endpoints.Ec2EndpointParams;
import software.amazon.awssdk.services.ec2.endpoints.Ec2EndpointProvider;

/** Builds the SDK's EC2 client from {@link AwsSettings}: every choice the SDK could make on its own is made here. */
final class Ec2ClientFactory {

    private Ec2ClientFactory() {
    }

    /**
     * The endpoint the client will call: the override, else the region's standard endpoint from the SDK's own endpoint
     * rules. It is resolved here and then passed as an explicit override, so that the proxy decision and error
     * messages name exactly the endpoint used (the SDK would otherwise also read AWS_ENDPOINT_URL* from the process
     * environment behind our back).
     */
    static URI endpoint(AwsSettings settings) {
        return settings.endpoint().orElseGet(() -> Ec2EndpointProvider.defaultProvider()
                .resolveEndpoint(Ec2EndpointParams.builder().region(Region.of(settings.region())).build())
                .join().endpointUrl().toUri());
    }

    static Ec2Client create(AwsSettings settings, URI endpoint, Optional<URI> proxy) {
        // Our decision only: without these two flags the Apache client would also read http.proxyHost and
        // HTTP(S)_PROXY itself and could contradict NO_PROXY as we read it. Apache 5, not the SDK's Apache 4 client:
        // that one is deprecated in this SDK, and the EC2 module already brings Apache 5 as its default.
        ProxyConfiguration.Builder proxyConfig = ProxyConfiguration.builder()
                .useSystemPropertyValues(false)
                .useEnvironmentVariableValues(false);
        proxy.ifPresent(p -> {
            proxyConfig.endpoint(URI.create(p.getScheme() + "://" + p.getHost() + ":" + p.getPort()));
            if (p.getUserInfo() != null) {
                String[] userPassword = p.getUserInfo().split(":", 2);
                proxyConfig.username(userPassword[0]);
                if (userPassword.length > 1) {
                    proxyConfig.password(userPassword[1]);
                }
                proxyConfig.preemptiveBasicAuthenticationEnabled(true);
            }
        });
        return Ec2Client.builder()
                .region(Region.of(settings.region()))
                .endpointOverride(endpoint)
                .credentialsProvider(credentials(settings.credentials()))
                .httpClientBuilder(Apache5HttpClient.builder().proxyConfiguration(proxyConfig.build()))
                .overrideConfiguration(o -> o
                        // The SDK's standard strategy: exponential backoff with full jitter (50 ms base, 1 s base for
                        // throttling errors such as RequestLimitExceeded, 20 s cap) and a token bucket that stops
                        // retrying when most calls fail. Not adaptive: its client-side rate limiter delays later calls
                        // of every kind after one throttle, while the warm-pool loop already slows itself down when a
                        // call ends in a retryable CloudException, and AWS recommends it only for single-resource use.
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .build())
                        .apiCallTimeout(settings.apiCallTimeout()))
                .build();
    }

    private static AwsCredentialsProvider credentials(CredentialSource source) {
        return switch (source) {
            case CredentialSource.DefaultChain d -> DefaultCredentialsProvider.builder().build();
            case CredentialSource.StaticKeys k -> StaticCredentialsProvider.create(k.sessionToken()
                    .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(
                            t -> AwsSessionCredentials.create(k.accessKeyId(), k.secretAccessKey(), t))
                    .orElseGet(() -> AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey())));
        };
    }
}
