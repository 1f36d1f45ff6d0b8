package dev.podnet.vpcsim;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.sim.InstanceSpec;
import dev.podnet.cloud.sim.RouteTableSpec;
import dev.podnet.cloud.sim.SubnetSpec;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcSpec;
import dev.podnet.cloud.sim.WorldSpec;
import dev.podnet.net.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a scenario YAML file strictly: unknown keys, wrong types and bad values are refused with the file and the
 * field's path ({@code subnets[1].cidr}), before anything starts. The tree is walked by hand rather than bound to
 * classes so that {@code throttle: off} and durations like {@code 2s} read naturally and every message names the field.
 */
final class ScenarioReader {

    /** The EC2 actions the emulator can fail on purpose (ModifyNetworkInterfaceAttribute never reaches it). */
    static final Set<String> FAULT_ACTIONS = Set.of("DescribeInstances", "DescribeSubnets",
            "DescribeNetworkInterfaces", "CreateNetworkInterface", "AttachNetworkInterface", "DetachNetworkInterface",
            "DeleteNetworkInterface", "AssignPrivateIpAddresses", "UnassignPrivateIpAddresses", "AssignIpv6Addresses",
            "UnassignIpv6Addresses");

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private ScenarioReader() {
    }

    static Scenario read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read the scenario: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    static Scenario parse(String yaml, String source) {
        JsonNode root;
        try {
            ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(source + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new InvalidInputException(source + ": the scenario is empty");
        }
        return scenario(new Node(source, "", root));
    }

    private static Scenario scenario(Node root) {
        root.keys("region", "vpc", "subnets", "securityGroups", "instances", "routeTables", "throttle", "attachDelay",
                "callLatency", "seed", "faults");
        String region = root.get("region").optionalText().orElse("us-east-1");
        Node vpcNode = root.get("vpc").required().keys("id", "cidrBlocks", "ipv6CidrBlock");
        VpcSpec vpc = new VpcSpec(vpcNode.get("id").text(), vpcNode.get("cidrBlocks").required().texts(),
                vpcNode.get("ipv6CidrBlock").optionalText());
        List<SubnetSpec> subnets = new ArrayList<>();
        for (Node s : root.get("subnets").required().items()) {
            s.keys("id", "az", "cidr", "ipv6Cidr", "tags");
            String az = s.get("az").text();
            if (!az.startsWith(region)) {
                throw s.get("az").problem("\"" + az + "\" is not an availability zone of region " + region);
            }
            subnets.add(new SubnetSpec(s.get("id").text(), az, s.get("cidr").text(), s.get("ipv6Cidr").optionalText(),
                    s.get("tags").stringMap()));
        }
        List<String> groups = root.get("securityGroups").required().texts();
        List<InstanceSpec> instances = new ArrayList<>();
        for (Node i : root.get("instances").items()) {
            i.keys("id", "type", "subnet", "securityGroups");
            instances.add(new InstanceSpec(i.get("id").text(), i.get("type").text(), i.get("subnet").text(),
                    i.get("securityGroups").texts()));
        }
        List<RouteTableSpec> routeTables = new ArrayList<>();
        for (Node t : root.get("routeTables").items()) {
            t.keys("id", "main", "subnets");
            Node main = t.get("main");
            if (main.present() && !main.value.isBoolean()) {
                throw main.problem("expected true or false, got " + main.shown());
            }
            routeTables.add(new RouteTableSpec(t.get("id").text(), vpc.id(), main.present() && main.value.asBoolean(),
                    t.get("subnets").texts()));
        }
        WorldSpec world;
        try {
            world = new WorldSpec(region, List.of(vpc), subnets, groups, instances, routeTables);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(root.source + ": " + e.getMessage());
        }
        long seed = root.get("seed").present() ? root.get("seed").wholeNumber() : 1;
        return new Scenario(world, throttle(root.get("throttle")), duration(root.get("attachDelay")),
                duration(root.get("callLatency")), seed, faults(root.get("faults")));
    }

    /** Absent: EC2's buckets. {@code off}: no throttling. A map: either bucket, each a map or {@code off}. */
    private static ThrottleConfig throttle(Node node) {
        if (!node.present()) {
            return ThrottleConfig.EC2_DEFAULT;
        }
        if (node.isOff()) {
            return ThrottleConfig.UNLIMITED;
        }
        node.keys("mutating", "describe");
        return new ThrottleConfig(bucket(node.get("mutating"), ThrottleConfig.EC2_DEFAULT.mutating()),
                bucket(node.get("describe"), ThrottleConfig.EC2_DEFAULT.describe()));
    }

    private static ThrottleConfig.Bucket bucket(Node node, ThrottleConfig.Bucket absent) {
        if (!node.present()) {
            return absent;
        }
        if (node.isOff()) {
            return ThrottleConfig.Bucket.UNLIMITED;
        }
        node.keys("capacity", "refillPerSecond");
        long capacity = node.get("capacity").required().wholeNumber();
        double refill = node.get("refillPerSecond").required().number();
        if (capacity < 1 || capacity > Integer.MAX_VALUE) {
            throw node.get("capacity").problem("must be between 1 and " + Integer.MAX_VALUE + ", got " + capacity);
        }
        if (refill < 0) {
            throw node.get("refillPerSecond").problem("must not be negative, got " + refill);
        }
        return new ThrottleConfig.Bucket((int) capacity, refill);
    }

    /** "2s", "500ms", "1m", "1h", or 0; absent is zero. */
    private static Duration duration(Node node) {
        if (!node.present()) {
            return Duration.ZERO;
        }
        if (node.value.isIntegralNumber() && node.value.asLong() == 0) {
            return Duration.ZERO;
        }
        String text = node.value.isTextual() ? node.value.asText().strip() : "";
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw node.problem("expected a duration like 2s, 500ms or 1m, got " + node.shown());
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    private static List<Scenario.Fault> faults(Node node) {
        List<Scenario.Fault> faults = new ArrayList<>();
        for (Node f : node.items()) {
            f.keys("action", "error", "times", "rate");
            String action = f.get("action").text();
            if (!FAULT_ACTIONS.contains(action)) {
                throw f.get("action").problem("unknown action \"" + action + "\"; one of " + new java.util.TreeSet<>(FAULT_ACTIONS));
            }
            String code = f.get("error").text();
            Ec2Error error = Ec2Error.ofCode(code).orElseThrow(() -> f.get("error").problem("unknown EC2 error code \""
                    + code + "\"; the emulator knows " + java.util.Arrays.stream(Ec2Error.values()).map(Ec2Error::code).toList()));
            Node times = f.get("times");
            Node rate = f.get("rate");
            if (times.present() == rate.present()) {
                throw f.problem("give either times or rate");
            }
            if (times.present()) {
                long n = times.wholeNumber();
                if (n < 1 || n > Integer.MAX_VALUE) {
                    throw times.problem("must be at least 1, got " + n);
                }
                faults.add(new Scenario.Fault.Times(action, error, (int) n));
            } else {
                double p = rate.number();
                if (!(p > 0 && p <= 1)) {
                    throw rate.problem("must be more than 0 and at most 1, got " + p);
                }
                faults.add(new Scenario.Fault.Rate(action, error, p));
            }
        }
        return faults;
    }

    /** A value in the tree with its path, so that every message can say where it is. */
    private record Node(String source, String path, JsonNode value) {

        Node get(String key) {
            JsonNode child = value.isObject() ? value.get(key) : null;
            return new Node(source, path.isEmpty() ? key : path + "." + key, child == null ? MissingNode.getInstance() : child);
        }

        boolean present() {
            return !value.isMissingNode() && !value.isNull();
        }

        Node required() {
            if (!present()) {
                throw problem("missing");
            }
            return this;
        }

        /** Checks that this is a map whose keys are all among {@code allowed}. */
        Node keys(String... allowed) {
            required();
            if (!value.isObject()) {
                throw problem("expected a map with " + String.join(", ", allowed) + ", got " + shown());
            }
            List<String> known = List.of(allowed);
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!known.contains(key)) {
                    throw get(key).problem("unknown key; expected one of " + String.join(", ", allowed));
                }
            }
            return this;
        }

        String text() {
            required();
            if (!value.isTextual() || value.asText().isBlank()) {
                throw problem("expected a non-empty string, got " + shown());
            }
            return value.asText();
        }

        Optional<String> optionalText() {
            return present() ? Optional.of(text()) : Optional.empty();
        }

        long wholeNumber() {
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw problem("expected a whole number, got " + shown());
            }
            return value.asLong();
        }

        double number() {
            if (!value.isNumber()) {
                throw problem("expected a number, got " + shown());
            }
            return value.asDouble();
        }

        /** A list (absent is empty). */
        List<Node> items() {
            if (!present()) {
                return List.of();
            }
            if (!value.isArray()) {
                throw problem("expected a list, got " + shown());
            }
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                out.add(new Node(source, path + "[" + i + "]", value.get(i)));
            }
            return out;
        }

        List<String> texts() {
            return items().stream().map(Node::text).toList();
        }

        /** Tags: string keys, scalar values read as text (YAML reads {@code role: 1} as a number). */
        Map<String, String> stringMap() {
            if (!present()) {
                return Map.of();
            }
            if (!value.isObject()) {
                throw problem("expected a map of tags, got " + shown());
            }
            Map<String, String> out = new LinkedHashMap<>();
            value.properties().forEach(e -> {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw get(e.getKey()).problem("expected a tag value, got " + get(e.getKey()).shown());
                }
                out.put(e.getKey(), e.getValue().asText());
            });
            return out;
        }

        /** {@code off} (YAML 1.1 reads a bare off as false, so both are taken). */
        boolean isOff() {
            return (value.isBoolean() && !value.asBoolean()) || (value.isTextual() && value.asText().equals("off"));
        }

        String shown() {
            if (value.isMissingNode()) {
                return "nothing";
            }
            if (value.isObject()) {
                return "a map";
            }
            if (value.isArray()) {
                return "a list";
            }
            return value.isTextual() ? "\"" + value.asText() + "\"" : value.toString();
        }

        InvalidInputException problem(String message) {
            return new InvalidInputException(source + ": " + (path.isEmpty() ? "" : path + ": ") + message);
        }
    }
}
