package dev.podnet.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {

    @Test
    void defaults() {
        AwsSettings s = AwsSettings.builder().region("eu-west-1").build();

        assertThat(s.region()).isEqualTo("eu-west-1");
        assertThat(s.endpoint()).isEmpty();
        assertThat(s.credentials()).isInstanceOf(CredentialSource.DefaultChain.class);
        assertThat(s.maxAttempts()).isEqualTo(5);
        assertThat(s.apiCallTimeout()).isEqualTo(AwsSettings.DEFAULT_API_CALL_TIMEOUT);
        assertThat(s.proxy().proxyFor(URI.create("https://ec2.eu-west-1.amazonaws.com"))).isEmpty();
    }

    @Test
    void eachValueIsCheckedWhenItIsSet() {
        AwsSettings.Builder b = AwsSettings.builder();

        assertThatThrownBy(() -> b.region("US East")).hasMessageStartingWith("region: 'US East'");
        assertThatThrownBy(() -> b.endpoint("ftp://host")).hasMessageStartingWith("endpoint: 'ftp://host'");
        assertThatThrownBy(() -> b.endpoint("http://h:1/?x=1")).hasMessageContaining("query");
        assertThatThrownBy(() -> b.maxAttempts(0)).hasMessageStartingWith("maxAttempts: 0");
        assertThatThrownBy(() -> b.apiCallTimeout(Duration.ZERO)).hasMessageStartingWith("apiCallTimeout:");
        assertThatThrownBy(() -> b.staticCredentials("AKID", "")).hasMessageContaining("secret access key");
        assertThatThrownBy(b::build).hasMessageStartingWith("region: not set");
    }

    @Test
    void fromEnvironmentReadsTheSdksVariables() {
        AwsSettings s = AwsSettings.fromEnvironment(Map.of(
                "AWS_DEFAULT_REGION", "us-west-2",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:5000",
                "AWS_MAX_ATTEMPTS", "3",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI",
                "AWS_SESSION_TOKEN", "FwoGZXIvYXdzEJr",
                "http_proxy", "proxy:3128")).build();

        assertThat(s.region()).isEqualTo("us-west-2");
        assertThat(s.endpoint()).contains(URI.create("http://127.0.0.1:5000"));
        assertThat(s.maxAttempts()).isEqualTo(3);
        assertThat(s.credentials()).isEqualTo(
                new CredentialSource.StaticKeys("AKIDEXAMPLE", "wJalrXUtnFEMI", Optional.of("FwoGZXIvYXdzEJr")));
        assertThat(s.proxy().proxyFor(URI.create("http://127.0.0.1:5000"))).contains(URI.create("http://proxy:3128"));
        assertThat(s.toString()).contains("AKIDEXAMPLE").doesNotContain("wJalrXUtnFEMI").doesNotContain("FwoGZXIvYXdzEJr");
    }

    @Test
    void awsRegionWinsAndARegionCanComeLater() {
        assertThat(AwsSettings.fromEnvironment(Map.of("AWS_REGION", "eu-central-1", "AWS_DEFAULT_REGION", "us-east-1"))
                .build().region()).isEqualTo("eu-central-1");
        assertThat(AwsSettings.fromEnvironment(Map.of()).region("ap-south-1").build().credentials())
                .isInstanceOf(CredentialSource.DefaultChain.class);
    }

    @Test
    void badEnvironmentValuesNameTheVariable() {
        assertThatThrownBy(() -> AwsSettings.fromEnvironment(Map.of("AWS_MAX_ATTEMPTS", "many")))
                .hasMessage("AWS_MAX_ATTEMPTS=many: not a number");
        assertThatThrownBy(() -> AwsSettings.fromEnvironment(Map.of("AWS_REGION", "mars")))
                .hasMessageStartingWith("AWS_REGION=mars: region:");
        assertThatThrownBy(() -> AwsSettings.fromEnvironment(Map.of("AWS_ENDPOINT_URL_EC2", "localhost:4566")))
                .hasMessageStartingWith("AWS_ENDPOINT_URL_EC2=localhost:4566: endpoint:");
        assertThatThrownBy(() -> AwsSettings.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKID")))
                .hasMessageContaining("must be set together");
    }

    @Test
    void toBuilderKeepsEveryValue() {
        AwsSettings s = AwsSettings.builder().region("us-east-1").endpoint("http://127.0.0.1:1")
                .staticCredentials("a", "b").maxAttempts(2).apiCallTimeout(Duration.ofSeconds(3)).build();

        AwsSettings copy = s.toBuilder().build();

        assertThat(copy.toString()).isEqualTo(s.toString());
        assertThat(s.toBuilder().maxAttempts(1).build().maxAttempts()).isEqualTo(1);
        assertThat(s.maxAttempts()).isEqualTo(2);
    }
}
