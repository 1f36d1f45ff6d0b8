package dev.podnet.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The EC2 instance types and their network limits, read from the CSV shipped in this module
 * ({@code instance_type,max_enis,ipv4_per_eni,hypervisor,is_bare_metal}).
 */
public final class InstanceCatalogue {
    private static final String RESOURCE = "ec2-instance-network-limits.csv";
    private static final String HEADER = "instance_type,max_enis,ipv4_per_eni,hypervisor,is_bare_metal";

    private final Map<String, InstanceType> byName;

    private InstanceCatalogue(Map<String, InstanceType> byName) {
        this.byName = byName;
    }

    private static final class Bundled {
        static final InstanceCatalogue INSTANCE = load();
    }

    /** The catalogue shipped with podnet. */
    public static InstanceCatalogue bundled() {
        return Bundled.INSTANCE;
    }

    private static InstanceCatalogue load() {
        try (InputStream in = InstanceCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the podnet-net jar");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InstanceCatalogue parse(BufferedReader reader) throws IOException {
        String header = reader.readLine();
        if (!HEADER.equals(header)) {
            throw new IllegalStateException("unexpected catalogue header: " + header);
        }
        Map<String, InstanceType> types = new TreeMap<>();
        String line;
        int lineNo = 1;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 5) {
                throw new IllegalStateException("catalogue line " + lineNo + " has " + f.length + " fields: " + line);
            }
            InstanceType type = new InstanceType(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                    Hypervisor.parse(f[3]), Boolean.parseBoolean(f[4]));
            if (type.maxEnis() < 1 || type.ipv4PerEni() < 1) {
                throw new IllegalStateException("catalogue line " + lineNo + " has impossible limits: " + line);
            }
            types.put(type.name(), type);
        }
        return new InstanceCatalogue(Map.copyOf(types));
    }

    public Optional<InstanceType> find(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name.strip().toLowerCase(java.util.Locale.ROOT)));
    }

    /** The named type, or an error that suggests the closest names. */
    public InstanceType get(String name) {
        return find(name).orElseThrow(() -> {
            List<String> close = suggestions(name);
            String hint = close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?";
            return new InvalidInputException("unknown instance type \"" + name + "\"" + hint);
        });
    }

    /** The known names closest to {@code name} (fewest edits, at most 3 and at most a third of it), up to three. */
    public List<String> suggestions(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(java.util.Locale.ROOT);
        int limit = Math.min(3, Math.max(1, wanted.length() / 3));
        record Scored(String name, int distance) {}
        List<Scored> close = byName.keySet().stream()
                .map(n -> new Scored(n, EditDistance.between(wanted, n)))
                .filter(s -> s.distance() <= limit)
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .toList();
        return close.stream().filter(s -> s.distance() == close.getFirst().distance()).limit(3).map(Scored::name).toList();
    }

    /** All types, sorted by name. */
    public List<InstanceType> all() {
        return byName.values().stream().sorted(Comparator.comparing(InstanceType::name)).toList();
    }

    /** Types of one family ({@code m5}), sorted by name; empty when the family is unknown. */
    public List<InstanceType> family(String family) {
        return all().stream().filter(t -> t.family().equalsIgnoreCase(family.strip())).toList();
    }

    public int size() {
        return byName.size();
    }
}
