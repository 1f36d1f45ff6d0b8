package dev.podnet.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxySettingsTest {

    private static final URI HTTPS_EC2 = URI.create("https://ec2.us-east-1.amazonaws.com");
    private static final URI HTTP_LOCAL = URI.create("http://127.0.0.1:4566");

    @Test
    void eachSchemeUsesOnlyItsOwnProxy() {
        ProxySettings p = ProxySettings.fromEnvironment(Map.of(
                "HTTPS_PROXY", "http://secure-proxy:3128", "HTTP_PROXY", "http://plain-proxy:3129"));

        assertThat(p.proxyFor(HTTPS_EC2)).contains(URI.create("http://secure-proxy:3128"));
        assertThat(p.proxyFor(HTTP_LOCAL)).contains(URI.create("http://plain-proxy:3129"));
    }

    @Test
    void httpsProxyDoesNotApplyToAnHttpEndpointNorTheOtherWayRound() {
        assertThat(ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "http://proxy:3128")).proxyFor(HTTP_LOCAL))
                .isEmpty();
        assertThat(ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", "http://proxy:3128")).proxyFor(HTTPS_EC2))
                .isEmpty();
    }

    @Test
    void noProxyWins() {
        ProxySettings p = ProxySettings.fromEnvironment(Map.of(
                "HTTPS_PROXY", "http://proxy:3128", "NO_PROXY", "169.254.169.254,.amazonaws.com"));

        assertThat(p.proxyFor(HTTPS_EC2)).isEmpty();
        assertThat(p.proxyFor(URI.create("https://sts.example.com"))).contains(URI.create("http://proxy:3128"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            HTTPS_PROXY | https_proxy | https://ec2.us-east-1.amazonaws.com
            HTTP_PROXY  | http_proxy  | http://127.0.0.1:4566
            """)
    void upperCaseWinsAndLowerCaseIsTheFallback(String upper, String lower, String endpoint) {
        URI e = URI.create(endpoint);
        assertThat(ProxySettings.fromEnvironment(Map.of(upper, "http://upper:1", lower, "http://lower:2")).proxyFor(e))
                .contains(URI.create("http://upper:1"));
        assertThat(ProxySettings.fromEnvironment(Map.of(upper, "", lower, "http://lower:2")).proxyFor(e))
                .contains(URI.create("http://lower:2"));
        assertThat(ProxySettings.fromEnvironment(Map.of(lower, "http://lower:2", "no_proxy", e.getHost())).proxyFor(e))
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            proxy.corp:3128               | http://proxy.corp:3128
            http://proxy.corp             | http://proxy.corp:80
            https://proxy.corp            | https://proxy.corp:443
            HTTP://Proxy.corp:3128/       | http://Proxy.corp:3128
            http://user:p%40ss@proxy:3128 | http://user:p%40ss@proxy:3128
            """)
    void proxyUrlsAreNormalisedLikeGo(String value, String expected) {
        assertThat(ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", value)).httpsProxy())
                .contains(URI.create(expected));
    }

    @Test
    void badValuesNameTheVariableAndNeverEchoAPassword() {
        assertThatThrownBy(() -> ProxySettings.fromEnvironment(Map.of("https_proxy", "socks5://proxy:1080")))
                .hasMessageStartingWith("https_proxy: scheme socks5 is not supported");
        assertThatThrownBy(() -> ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", "http://user:secret@ bad host")))
                .hasMessageStartingWith("HTTP_PROXY:")
                .message().doesNotContain("secret");
        assertThatThrownBy(() -> ProxySettings.fromEnvironment(Map.of("NO_PROXY", "10.0.0.0/40")))
                .hasMessageStartingWith("NO_PROXY: NO_PROXY entry '10.0.0.0/40'");
    }

    @Test
    void toStringHidesProxyCredentials() {
        ProxySettings p = ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "http://user:secret@proxy:3128"));

        assertThat(p.toString()).contains("http://proxy:3128").doesNotContain("secret").doesNotContain("user");
        assertThat(p.httpsProxy().map(URI::getUserInfo)).isEqualTo(Optional.of("user:secret"));
    }
}
