package dev.podnet.vpcsim;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.Ec2Error;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One EC2 Describe filter: {@code Filter.N.Name} and its {@code Filter.N.Value.M}. A resource passes when one of its
 * values for the name matches one of the filter's values; values may use EC2's wildcards {@code *} and {@code ?}.
 */
public record Filter(String name, List<String> values) {

    public Filter {
        values = List.copyOf(values);
    }

    /** Every {@code listName.N} filter of a request, e.g. "Filter". */
    public static List<Filter> parse(QueryParams params, String listName) {
        return params.group(listName).stream().map(f -> new Filter(f.required("Name"), f.list("Value"))).toList();
    }

    /** The one value of a filter that names exactly one value without wildcards, else null. */
    public String exactValue() {
        return values.size() == 1 && values.getFirst().chars().noneMatch(c -> c == '*' || c == '?') ? values.getFirst()
                : null;
    }

    public boolean matchesAny(Collection<String> actual) {
        for (String wanted : values) {
            Pattern glob = glob(wanted);
            for (String a : actual) {
                if (a != null && glob.matcher(a).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Pattern glob(String value) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                regex.append(Pattern.quote(String.valueOf(value.charAt(++i))));
            } else if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /**
     * The filter names one kind of resource supports: plain names read values off the resource, and
     * {@code tag:KEY} / {@code tag-key} read its tags. Unknown names are refused as EC2 refuses them.
     */
    public record Fields<T>(Map<String, Function<T, Collection<String>>> byName, Function<T, Map<String, String>> tags) {

        public Predicate<T> predicate(List<Filter> filters) {
            Predicate<T> all = t -> true;
            for (Filter f : filters) {
                all = all.and(single(f));
            }
            return all;
        }

        private Predicate<T> single(Filter f) {
            if (f.name().startsWith("tag:")) {
                String key = f.name().substring("tag:".length());
                return t -> {
                    String value = tags.apply(t).get(key);
                    return value != null && f.matchesAny(List.of(value));
                };
            }
            if (f.name().equals("tag-key")) {
                return t -> f.matchesAny(tags.apply(t).keySet());
            }
            Function<T, Collection<String>> field = byName.get(f.name());
            if (field == null) {
                throw new CloudException(Ec2Error.INVALID_PARAMETER_VALUE, "The filter '" + f.name() + "' is invalid");
            }
            return t -> f.matchesAny(field.apply(t));
        }
    }
}
