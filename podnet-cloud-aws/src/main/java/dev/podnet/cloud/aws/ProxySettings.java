package dev.podnet.cloud.aws;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which HTTP proxy to use for an endpoint, decided like curl and Go do: the proxy for the endpoint's scheme
 * ({@code HTTPS_PROXY} for https, {@code HTTP_PROXY} for http; never one for the other) unless {@code NO_PROXY} names
 * the endpoint. Proxy URLs are http:// or https://; a value without a scheme means http:// (Go); without a port, the
 * scheme's default port (Go). User info in the URL is the proxy's basic credentials and is never printed.
 */
public record ProxySettings(Optional<URI> httpProxy, Optional<URI> httpsProxy, NoProxy noProxy) {

    public ProxySettings {
        httpProxy = httpProxy.map(u -> parse("http proxy", u.toString()));
        httpsProxy = httpsProxy.map(u -> parse("https proxy", u.toString()));
        Objects.requireNonNull(noProxy, "noProxy");
    }

    public static ProxySettings none() {
        return new ProxySettings(Optional.empty(), Optional.empty(), NoProxy.none());
    }

    /**
     * Reads HTTPS_PROXY/https_proxy, HTTP_PROXY/http_proxy and NO_PROXY/no_proxy (the upper-case name wins when both
     * are set and non-empty, as in Go). Throws IllegalArgumentException naming the variable for a bad value.
     */
    public static ProxySettings fromEnvironment(Map<String, String> env) {
        return new ProxySettings(proxyVariable(env, "HTTP_PROXY"), proxyVariable(env, "HTTPS_PROXY"),
                variable(env, "NO_PROXY").map(v -> {
                    try {
                        return NoProxy.parse(v.value());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(v.name() + ": " + e.getMessage(), e);
                    }
                }).orElse(NoProxy.none()));
    }

    /** The proxy for requests to this endpoint, or empty to go direct. */
    public Optional<URI> proxyFor(URI endpoint) {
        Optional<URI> proxy = switch (endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase()) {
            case "https" -> httpsProxy;
            case "http" -> httpProxy;
            default -> Optional.empty();
        };
        return proxy.isPresent() && !noProxy.matches(endpoint) ? proxy : Optional.empty();
    }

    /** A proxy URL without its user info, for logs and error messages. */
    public static String redact(URI proxy) {
        return proxy.getScheme() + "://" + proxy.getHost() + ":" + proxy.getPort();
    }

    @Override
    public String toString() {
        return "ProxySettings[httpProxy=" + httpProxy.map(ProxySettings::redact).orElse("none")
                + ", httpsProxy=" + httpsProxy.map(ProxySettings::redact).orElse("none")
                + ", noProxy=" + noProxy + "]";
    }

    /** Parses a proxy URL the way Go does; throws IllegalArgumentException without echoing a password. */
    static URI parse(String what, String value) {
        String text = value.strip();
        if (!text.contains("://")) {
            text = "http://" + text;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(what + ": not a URL: " + withoutUserInfo(value));
        }
        String scheme = uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(what + ": scheme " + scheme + " is not supported (http or https)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(what + ": no host in " + withoutUserInfo(value));
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        try {
            return new URI(scheme, uri.getRawUserInfo() == null ? null : uri.getUserInfo(), uri.getHost(), port,
                    null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(what + ": not a URL: " + withoutUserInfo(value));
        }
    }

    private static String withoutUserInfo(String value) {
        int at = value.lastIndexOf('@');
        return at < 0 ? value : "***@" + value.substring(at + 1);
    }

    private static Optional<URI> proxyVariable(Map<String, String> env, String upper) {
        return variable(env, upper).map(v -> parse(v.name(), v.value()));
    }

    private record Variable(String name, String value) {
    }

    private static Optional<Variable> variable(Map<String, String> env, String upper) {
        for (String name : new String[] {upper, upper.toLowerCase()}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(new Variable(name, value));
            }
        }
        return Optional.empty();
    }
}
