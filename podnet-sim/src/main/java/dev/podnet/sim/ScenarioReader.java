package dev.podnet.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.podnet.net.InstanceCatalogue;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads a scenario YAML strictly: unknown fields, missing ones and bad values are errors naming file, field and value. */
public final class ScenarioReader {
    private static final Duration LONGEST = Duration.ofDays(366);

    private ScenarioReader() {
    }

    public static Scenario read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ScenarioException(file + ": no such file");
        } catch (IOException e) {
            throw new ScenarioException(file + ": cannot be read: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    public static Scenario parse(String source, String yaml) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ScenarioException(source + ": is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ScenarioException(source + ": cannot be read: " + e.getMessage());
        }
        YamlObject top = new YamlObject(source, "", root);
        Duration duration = positive(top, "duration", top.duration("duration"));
        Duration warmup = top.duration("warmup", Duration.ZERO);
        long seed = top.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE, 1);
        Duration sample = positive(top, "sampleEvery", top.duration("sampleEvery", Duration.ofMinutes(1)));
        Scenario.Ec2 ec2 = top.optionalObject("ec2").map(ScenarioReader::ec2).orElse(Scenario.Ec2.DEFAULTS);
        List<Scenario.NodeGroup> groups = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlObject g : top.list("nodeGroups")) {
            Scenario.NodeGroup group = nodeGroup(source, g);
            if (!names.add(group.name())) {
                throw g.error("name", "is the name of an earlier node group too");
            }
            groups.add(group);
        }
        if (groups.isEmpty()) {
            throw new ScenarioException(source, "nodeGroups", null, "needs at least one node group");
        }
        List<Scenario.NodeEvent> events = new ArrayList<>();
        for (YamlObject e : top.list("events")) {
            events.add(event(e, names, duration.plus(warmup)));
        }
        Scenario.Workload workload = workload(top.object("workload"), names, duration.plus(warmup));
        top.finish();
        if (duration.plus(warmup).compareTo(LONGEST) > 0) {
            throw new ScenarioException(source, "duration", duration.toString(), "duration and warmup together exceed a year");
        }
        return new Scenario(source, duration, warmup, seed, sample, ec2, groups, events, workload);
    }

    private static Duration positive(YamlObject o, String key, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw o.error(key, "must be longer than 0");
        }
        return d;
    }

    private static Scenario.Ec2 ec2(YamlObject o) {
        Scenario.Ec2 d = Scenario.Ec2.DEFAULTS;
        Scenario.Ec2 ec2 = new Scenario.Ec2(o.duration("callLatency", d.callLatency()), o.duration("attachDelay", d.attachDelay()),
                o.number("throttleRate", 0.001, 1e6, d.throttleRate()), (int) o.integer("throttleBurst", 1, 1_000_000, d.throttleBurst()),
                o.number("describeRate", 0.001, 1e6, d.describeRate()), (int) o.integer("describeBurst", 1, 1_000_000, d.describeBurst()),
                (int) o.integer("eniQuota", 1, 10_000_000, d.eniQuota()));
        o.finish();
        return ec2;
    }

    private static Scenario.NodeGroup nodeGroup(String source, YamlObject g) {
        String name = g.string("name");
        String type = g.string("instanceType");
        if (InstanceCatalogue.bundled().find(type).isEmpty()) {
            throw g.error("instanceType", "is not an instance type podnet knows; close: "
                    + InstanceCatalogue.bundled().suggestions(type));
        }
        int count = (int) g.integer("count", 0, 100_000);
        String zone = g.optionalString("zone").orElse("us-east-1a");
        if (!zone.matches("us-east-1[a-f]")) {
            throw g.error("zone", "must be a zone of us-east-1 (us-east-1a to us-east-1f), the emulator's region");
        }
        String subnet = g.string("subnet");
        IPAddress cidr = new IPAddressString(subnet).getAddress();
        if (cidr == null || !cidr.isIPv4() || cidr.getNetworkPrefixLength() == null
                || cidr.getNetworkPrefixLength() < 16 || cidr.getNetworkPrefixLength() > 28
                || !cidr.equals(cidr.toPrefixBlock())) {
            throw g.error("subnet", "must be an IPv4 CIDR block from /16 to /28 with no host bits, e.g. 10.1.0.0/16");
        }
        g.finish();
        return new Scenario.NodeGroup(name, type, count, zone, cidr.toCanonicalString());
    }

    private static Scenario.NodeEvent event(YamlObject e, Set<String> groups, Duration end) {
        Duration at = e.duration("at");
        if (at.compareTo(end) > 0) {
            throw e.error("at", "is after the end of the run (warmup + duration)");
        }
        String group = e.string("group");
        if (!groups.contains(group)) {
            throw e.error("group", "names no node group; the groups are " + groups.stream().sorted().toList());
        }
        boolean add = e.has("add");
        boolean remove = e.has("remove");
        if (add == remove) {
            throw new ScenarioException(e.source() + ": " + e.field("add") + " / remove: exactly one of the two must be set");
        }
        int n = (int) (add ? e.integer("add", 1, 100_000) : e.integer("remove", 1, 100_000));
        e.finish();
        return new Scenario.NodeEvent(at, group, add ? n : -n);
    }

    private static Scenario.Workload workload(YamlObject w, Set<String> groups, Duration end) {
        Optional<Double> rate = Optional.empty();
        JsonNode raw = w.raw("arrivalsPerHour");
        if (raw != null && !(raw.isTextual() && raw.asText().equals("fill"))) {
            rate = Optional.of(w.number("arrivalsPerHour", 0, 1e6));
        }
        double fillMin = 0;
        double fillMax = 0;
        JsonNode fill = w.raw("fill");
        if (fill != null) {
            if (fill.isNumber() && fill.asDouble() >= 0 && fill.asDouble() <= 1) {
                fillMin = fill.asDouble();
                fillMax = fillMin;
            } else if (fill.isArray() && fill.size() == 2 && fill.get(0).isNumber() && fill.get(1).isNumber()
                    && fill.get(0).asDouble() >= 0 && fill.get(0).asDouble() <= fill.get(1).asDouble()
                    && fill.get(1).asDouble() <= 1) {
                fillMin = fill.get(0).asDouble();
                fillMax = fill.get(1).asDouble();
            } else {
                throw w.error("fill", fill, "must be a fraction of max pods from 0 to 1, or [min, max] of two");
            }
        }
        if (raw == null) {
            throw w.error("arrivalsPerHour", "is required: a number per node and hour, or \"fill\"");
        }
        Scenario.Lifetime lifetime = lifetime(w.object("lifetime"));
        List<Scenario.Burst> bursts = new ArrayList<>();
        for (YamlObject b : w.list("bursts")) {
            Duration at = b.duration("at");
            if (at.compareTo(end) > 0) {
                throw b.error("at", "is after the end of the run (warmup + duration)");
            }
            int pods = (int) b.integer("pods", 1, 10_000);
            Optional<String> group = b.optionalString("group");
            if (group.isPresent() && !groups.contains(group.get())) {
                throw b.error("group", "names no node group; the groups are " + groups.stream().sorted().toList());
            }
            b.finish();
            bursts.add(new Scenario.Burst(at, pods, group));
        }
        Optional<Scenario.Diurnal> diurnal = w.optionalObject("diurnal").map(d -> {
            Scenario.Diurnal curve = new Scenario.Diurnal(d.number("amplitude", 0, 1), d.duration("peakAt"));
            d.finish();
            return curve;
        });
        w.finish();
        return new Scenario.Workload(rate, fillMin, fillMax, lifetime, bursts, diurnal);
    }

    private static Scenario.Lifetime lifetime(YamlObject l) {
        String kind = l.string("distribution");
        Scenario.Lifetime lifetime = switch (kind) {
            case "exponential" -> new Scenario.Lifetime.Exponential(positive(l, "mean", l.duration("mean")));
            case "fixed" -> new Scenario.Lifetime.Fixed(positive(l, "mean", l.duration("mean")));
            case "uniform" -> {
                Duration min = l.duration("min");
                Duration max = positive(l, "max", l.duration("max"));
                if (min.compareTo(max) > 0) {
                    throw l.error("min", "must not be more than max");
                }
                yield new Scenario.Lifetime.Uniform(min, max);
            }
            default -> throw l.error("distribution", "must be exponential, fixed or uniform");
        };
        l.finish();
        return lifetime;
    }
}
