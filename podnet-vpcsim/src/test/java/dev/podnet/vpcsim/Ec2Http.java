package dev.podnet.vpcsim;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** A bare EC2 Query API client for tests: form POSTs or GETs, answers parsed as XML and read with XPath. */
final class Ec2Http {

    record Answer(int status, String contentType, String body, Document xml) {
        String text(String xpath) {
            try {
                return (String) XPathFactory.newInstance().newXPath().evaluate(xpath, xml, XPathConstants.STRING);
            } catch (Exception e) {
                throw new IllegalArgumentException(xpath, e);
            }
        }

        List<String> texts(String xpath) {
            try {
                NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, xml, XPathConstants.NODESET);
                List<String> out = new ArrayList<>();
                for (int i = 0; i < nodes.getLength(); i++) {
                    out.add(nodes.item(i).getTextContent());
                }
                return out;
            } catch (Exception e) {
                throw new IllegalArgumentException(xpath, e);
            }
        }

        String errorCode() {
            return text("/Response/Errors/Error/Code");
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String endpoint;

    Ec2Http(String endpoint) {
        this.endpoint = endpoint;
    }

    /** POSTs Action and Version=2016-11-15 with the given name, value pairs. */
    Answer call(String action, String... nameValues) {
        StringBuilder form = new StringBuilder("Action=" + action + "&Version=2016-11-15");
        for (int i = 0; i < nameValues.length; i += 2) {
            form.append('&').append(enc(nameValues[i])).append('=').append(enc(nameValues[i + 1]));
        }
        return post(form.toString(), Map.of());
    }

    Answer post(String form, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + "/")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        headers.forEach(b::header);
        return send(b.build());
    }

    Answer get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(endpoint + pathAndQuery)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(r.body().getBytes(StandardCharsets.UTF_8)));
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), doc);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    }
}
