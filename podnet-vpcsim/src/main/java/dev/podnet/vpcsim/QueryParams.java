package dev.podnet.vpcsim;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.Ec2Error;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The parameters of one EC2 Query API request. EC2 flattens lists and structures into dotted names
 * ({@code Filter.2.Value.1}, {@code TagSpecification.1.Tag.3.Key}); {@link #group} and {@link #list} read them back.
 * {@code prefix} is where this view sits in the full request ("" at the top, "Filter.2." inside a filter), so that
 * errors name the parameter as the client sent it. Problems are thrown as {@link CloudException}s with EC2's codes.
 */
public record QueryParams(String prefix, Map<String, String> values) {

    public QueryParams {
        values = Map.copyOf(values);
    }

    public static QueryParams of(Map<String, String> values) {
        return new QueryParams("", values);
    }

    /**
     * Decodes an application/x-www-form-urlencoded string (a POST body or a query string). A repeated name keeps
     * its last value; a name without '=' has the empty value.
     */
    public static QueryParams parse(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded != null && !encoded.isEmpty()) {
            for (String pair : encoded.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                values.put(decode(name), decode(value));
            }
        }
        return of(values);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new CloudException(Ec2Error.INVALID_PARAMETER_VALUE, "malformed URL encoding in \"" + text + "\"");
        }
    }

    /** These parameters with {@code other}'s added; {@code other} wins on a clash (the body over the query string). */
    public QueryParams with(QueryParams other) {
        Map<String, String> merged = new LinkedHashMap<>(values);
        merged.putAll(other.values);
        return new QueryParams(prefix, merged);
    }

    public Optional<String> optional(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public String required(String name) {
        String value = values.get(name);
        if (value == null || value.isEmpty()) {
            throw new CloudException(Ec2Error.MISSING_PARAMETER, "The request must contain the parameter " + prefix + name);
        }
        return value;
    }

    public Optional<Integer> integer(String name) {
        return optional(name).map(v -> {
            try {
                return Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw invalid(name, v, "an integer");
            }
        });
    }

    public int requiredInteger(String name) {
        required(name);
        return integer(name).orElseThrow();
    }

    /** EC2 booleans are "true" or "false" (any case); anything else is refused rather than read as false. */
    public boolean bool(String name, boolean absent) {
        return optional(name).map(v -> switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(name, v, "true or false");
        }).orElse(absent);
    }

    private CloudException invalid(String name, String value, String expected) {
        return new CloudException(Ec2Error.INVALID_PARAMETER_VALUE,
                "Value (" + value + ") for parameter " + prefix + name + " is invalid. Expected " + expected + ".");
    }

    /** The values of {@code name.1}, {@code name.2}, ... in index order (gaps allowed, as EC2 allows them). */
    public List<String> list(String name) {
        List<String> out = new ArrayList<>();
        indexed(name).forEach((index, rest) -> {
            String value = values.get(name + "." + index);
            if (value != null) {
                out.add(value);
            }
        });
        return out;
    }

    /** The structures {@code name.N.*}, in index order, each as a view whose names start after {@code name.N.}. */
    public List<QueryParams> group(String name) {
        List<QueryParams> out = new ArrayList<>();
        indexed(name).forEach((index, members) -> out.add(new QueryParams(prefix + name + "." + index + ".", members)));
        return out;
    }

    /** Whether any parameter {@code name} or {@code name.*} was sent. */
    public boolean has(String name) {
        return values.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(name + "."));
    }

    /** index -> (member name after "name.index." -> value), for every well-formed positive index. */
    private SortedMap<Integer, Map<String, String>> indexed(String name) {
        String head = name + ".";
        SortedMap<Integer, Map<String, String>> out = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(head)) {
                continue;
            }
            String rest = key.substring(head.length());
            int dot = rest.indexOf('.');
            String digits = dot < 0 ? rest : rest.substring(0, dot);
            Integer index = positive(digits);
            if (index == null) {
                continue;
            }
            Map<String, String> members = out.computeIfAbsent(index, i -> new LinkedHashMap<>());
            if (dot >= 0) {
                members.put(rest.substring(dot + 1), e.getValue());
            }
        }
        return out;
    }

    private static Integer positive(String digits) {
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int n = Integer.parseInt(digits);
        return n > 0 ? n : null;
    }
}
