package dev.podnet.planner;

import dev.podnet.net.Cidr;
import dev.podnet.net.InstanceCatalogue;
import dev.podnet.net.InstanceType;
import dev.podnet.net.InvalidInputException;
import dev.podnet.planner.input.PlanFile;
import dev.podnet.planner.input.PlanInputException;
import dev.podnet.planner.model.ClusterPlan;
import dev.podnet.planner.model.Mode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Turns a {@link PlanFile} into a {@link ClusterPlan}, collecting every problem before it gives up. */
final class PlanValidator {
    static final List<String> DEFAULT_ENDPOINTS =
            List.of("ec2", "sts", "ecr.api", "ecr.dkr", "s3", "logs", "elasticloadbalancing", "eks");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]{0,99}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
    private static final Pattern AWS_ID = Pattern.compile("(vpc|subnet|rtb|sg)-[0-9a-f]{8,17}");
    private static final Pattern ENDPOINT = Pattern.compile("[a-z0-9][a-z0-9.-]*");

    private final String source;
    private final InstanceCatalogue catalogue;
    private final List<String> problems = new ArrayList<>();

    PlanValidator(String source, InstanceCatalogue catalogue) {
        this.source = source;
        this.catalogue = catalogue;
    }

    ClusterPlan validate(PlanFile f) {
        if (f.apiVersion() != null && !f.apiVersion().equals("podnet.dev/v1alpha1")) {
            problem("apiVersion", "\"" + f.apiVersion() + "\" is not supported; use podnet.dev/v1alpha1");
        }
        if (f.kind() != null && !f.kind().equals("ClusterPlan")) {
            problem("kind", "\"" + f.kind() + "\" is not supported; use ClusterPlan");
        }
        String name = matching("name", f.name(), CLUSTER_NAME, "a cluster name: a letter, then letters, digits or '-'");
        String region = matching("region", f.region(), REGION, "an AWS region such as eu-west-1");
        Mode parsed = f.mode() == null ? Mode.SECONDARY_IP : parse("mode", f.mode(), Mode::parse);
        // An unknown mode is already reported; checking the rest as secondary-ip still finds their problems.
        Mode mode = parsed == null ? Mode.SECONDARY_IP : parsed;

        ClusterPlan.Vpc vpc = vpc(f.vpc(), mode);
        List<ClusterPlan.Zone> zones = zones(f.zones(), region, vpc);
        Optional<Cidr> podCidr = podCidr(f.podSubnets(), mode, vpc, zones);
        ClusterPlan.Split split = split(f.podSubnets());
        Cidr serviceCidr = serviceCidr(f.serviceCidr(), vpc);
        ClusterPlan.WarmTargets warm = warm(f.warm(), mode);
        List<ClusterPlan.NodeGroup> groups = nodeGroups(f.nodeGroups(), zones);
        List<String> securityGroups = securityGroups(f.securityGroups());
        Optional<ClusterPlan.Proxy> proxy = proxy(f.proxy());

        if (!problems.isEmpty()) {
            throw new PlanInputException(problems);
        }
        return new ClusterPlan(source, name, region, mode, vpc, zones, podCidr, split, serviceCidr, warm, groups,
                securityGroups, proxy);
    }

    private ClusterPlan.Vpc vpc(PlanFile.Vpc v, Mode mode) {
        if (v == null) {
            problem("vpc", "is required (at least vpc.cidr)");
            return null;
        }
        Optional<String> id = optionalId("vpc.id", v.id(), "vpc");
        Cidr cidr = ipv4("vpc.cidr", v.cidr(), true);
        if (cidr != null && (cidr.prefixLength() < 16 || cidr.prefixLength() > 28)) {
            problem("vpc.cidr", cidr + " is /" + cidr.prefixLength() + "; an AWS VPC block is /16 to /28");
        }
        List<Cidr> existing = ipv4List("vpc.existingCidrs", v.existingCidrs());
        List<Cidr> secondary = ipv4List("vpc.secondaryCidrs", v.secondaryCidrs());
        Optional<Cidr> ipv6 = Optional.empty();
        if (v.ipv6Cidr() != null) {
            Cidr c = cidr("vpc.ipv6Cidr", v.ipv6Cidr());
            if (c != null && (c.isIpv4() || c.prefixLength() > 64)) {
                problem("vpc.ipv6Cidr", c + " is not an IPv6 block of /64 or larger (AWS assigns a /56)");
            } else if (c != null) {
                ipv6 = Optional.of(c);
            }
        } else if (mode.needsIpv6()) {
            problem("vpc.ipv6Cidr", "is required in " + mode + " mode (the VPC's IPv6 block, e.g. 2600:1f14:abc:de00::/56)");
        }
        if (mode.usesPodSubnets() && secondary.isEmpty() && existing.isEmpty()) {
            problem("vpc.secondaryCidrs", "is empty; " + mode + " mode puts pods in a secondary CIDR such as 100.64.0.0/16");
        }
        return cidr == null ? null : new ClusterPlan.Vpc(id, cidr, existing, secondary, ipv6);
    }

    private List<ClusterPlan.Zone> zones(List<PlanFile.Zone> raw, String region, ClusterPlan.Vpc vpc) {
        List<ClusterPlan.Zone> zones = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            problem("zones", "is required: list the availability zones with their node subnets");
            return zones;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String at = "zones[" + i + "]";
            PlanFile.Zone z = raw.get(i);
            if (z == null) {
                problem(at, "is empty");
                continue;
            }
            if (z.name() == null) {
                problem(at + ".name", "is required (e.g. " + (region == null ? "eu-west-1" : region) + "a)");
            } else if (!names.add(z.name())) {
                problem(at + ".name", "\"" + z.name() + "\" is listed twice");
            } else if (region != null && !(z.name().startsWith(region) && z.name().length() == region.length() + 1)) {
                problem(at + ".name", "\"" + z.name() + "\" is not an availability zone of " + region);
            }
            Cidr subnet = ipv4(at + ".nodeSubnet", z.nodeSubnet(), true);
            if (subnet != null && (subnet.prefixLength() < 16 || subnet.prefixLength() > 28)) {
                problem(at + ".nodeSubnet", subnet + " is /" + subnet.prefixLength() + "; an AWS subnet is /16 to /28");
            } else if (subnet != null && vpc != null && vpcBlocks(vpc).stream().noneMatch(b -> b.contains(subnet))) {
                problem(at + ".nodeSubnet", subnet + " is not inside the VPC's blocks " + vpcBlocks(vpc));
            }
            for (ClusterPlan.Zone other : zones) {
                if (subnet != null && other.nodeSubnet().overlaps(subnet)) {
                    problem(at + ".nodeSubnet", subnet + " overlaps " + other.name() + "'s node subnet " + other.nodeSubnet());
                }
            }
            Optional<String> subnetId = optionalId(at + ".nodeSubnetId", z.nodeSubnetId(), "subnet");
            Optional<String> rtb = optionalId(at + ".routeTableId", z.routeTableId(), "rtb");
            Optional<String> podSubnetId = optionalId(at + ".podSubnetId", z.podSubnetId(), "subnet");
            if (z.name() != null && subnet != null) {
                zones.add(new ClusterPlan.Zone(z.name(), subnet, subnetId, rtb, podSubnetId));
            }
        }
        return zones;
    }

    private Optional<Cidr> podCidr(PlanFile.PodSubnets p, Mode mode, ClusterPlan.Vpc vpc, List<ClusterPlan.Zone> zones) {
        if (!mode.usesPodSubnets()) {
            if (p != null) {
                problem("podSubnets", "applies to custom-networking and dual-stack modes only, not " + mode);
            }
            return Optional.empty();
        }
        Cidr from;
        if (p != null && p.from() != null) {
            from = ipv4("podSubnets.from", p.from(), true);
        } else if (vpc != null && !vpc.secondaryCidrs().isEmpty()) {
            from = vpc.secondaryCidrs().getFirst();
        } else {
            return Optional.empty();
        }
        if (from == null || vpc == null) {
            return Optional.empty();
        }
        String field = p != null && p.from() != null ? "podSubnets.from" : "vpc.secondaryCidrs[0]";
        List<Cidr> blocks = new ArrayList<>(vpc.secondaryCidrs());
        blocks.addAll(vpc.existingCidrs());
        blocks.add(vpc.cidr());
        if (blocks.stream().noneMatch(b -> b.contains(from))) {
            problem(field, from + " is not inside the VPC's blocks " + blocks);
        }
        for (ClusterPlan.Zone z : zones) {
            if (z.nodeSubnet().overlaps(from)) {
                problem(field, from + " overlaps " + z.name() + "'s node subnet " + z.nodeSubnet());
            }
        }
        return Optional.of(from);
    }

    private ClusterPlan.Split split(PlanFile.PodSubnets p) {
        if (p == null || p.split() == null || p.split().equals("weighted")) {
            return ClusterPlan.Split.WEIGHTED;
        }
        if (p.split().equals("equal")) {
            return ClusterPlan.Split.EQUAL;
        }
        problem("podSubnets.split", "\"" + p.split() + "\" is not equal or weighted");
        return ClusterPlan.Split.WEIGHTED;
    }

    /** EKS's default: 10.100.0.0/16 when the VPC is in 172.16.0.0/12, else 172.20.0.0/16. */
    private Cidr serviceCidr(String text, ClusterPlan.Vpc vpc) {
        if (text == null) {
            boolean in172 = vpc != null && Cidr.parse("172.16.0.0/12").contains(vpc.cidr());
            return Cidr.parse(in172 ? "10.100.0.0/16" : "172.20.0.0/16");
        }
        Cidr cidr = ipv4("serviceCidr", text, true);
        if (cidr != null && vpc != null) {
            vpcBlocks(vpc).stream().filter(cidr::overlaps).forEach(b ->
                    problem("serviceCidr", cidr + " overlaps the VPC block " + b + "; services would shadow VPC addresses"));
        }
        return cidr;
    }

    private ClusterPlan.WarmTargets warm(PlanFile.Warm w, Mode mode) {
        PlanFile.Warm v = w == null ? new PlanFile.Warm(null, null, null, null, null, null) : w;
        int warmEni = nonNegative("warm.warmEniTarget", v.warmEniTarget(), 1);
        int warmIp = nonNegative("warm.warmIpTarget", v.warmIpTarget(), 0);
        int minimumIp = nonNegative("warm.minimumIpTarget", v.minimumIpTarget(), 0);
        int warmPrefix = nonNegative("warm.warmPrefixTarget", v.warmPrefixTarget(), 1);
        int maxEni = nonNegative("warm.maxEni", v.maxEni(), 0);
        int cap = nonNegative("warm.maxPodsCap", v.maxPodsCap(), 0);
        if (mode.usesPrefixes() && warmPrefix == 0 && warmIp == 0 && minimumIp == 0) {
            problem("warm.warmPrefixTarget", "0 with no warmIpTarget or minimumIpTarget leaves no warm prefix; "
                    + "the VPC CNI does not support it either (pods would wait for EC2 on every start)");
        }
        return new ClusterPlan.WarmTargets(warmEni, warmIp, minimumIp, warmPrefix, maxEni, cap);
    }

    private List<ClusterPlan.NodeGroup> nodeGroups(List<PlanFile.NodeGroup> raw, List<ClusterPlan.Zone> zones) {
        List<ClusterPlan.NodeGroup> groups = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            problem("nodeGroups", "is required: list the node groups (name, instanceType, count, podsPerNode)");
            return groups;
        }
        List<String> zoneNames = zones.stream().map(ClusterPlan.Zone::name).toList();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String at = "nodeGroups[" + i + "]";
            PlanFile.NodeGroup g = raw.get(i);
            if (g == null) {
                problem(at, "is empty");
                continue;
            }
            String name = matching(at + ".name", g.name(), CLUSTER_NAME, "a name: a letter, then letters, digits or '-'");
            if (name != null && !names.add(name)) {
                problem(at + ".name", "\"" + name + "\" is used by another node group");
            }
            InstanceType type = g.instanceType() == null ? missing(at + ".instanceType", "e.g. m5.large")
                    : parse(at + ".instanceType", g.instanceType(), catalogue::get);
            Integer count = required(at + ".count", g.count());
            Integer pods = required(at + ".podsPerNode", g.podsPerNode());
            List<String> groupZones = g.zones() == null ? zoneNames : g.zones();
            for (int z = 0; z < groupZones.size(); z++) {
                if (!zoneNames.contains(groupZones.get(z))) {
                    problem(at + ".zones[" + z + "]", "\"" + groupZones.get(z) + "\" is not one of the plan's zones " + zoneNames);
                }
            }
            if (groupZones.isEmpty()) {
                problem(at + ".zones", "is empty");
            }
            if (name != null && type != null && count != null && pods != null && !groupZones.isEmpty()) {
                groups.add(new ClusterPlan.NodeGroup(name, type, count, pods, groupZones));
            }
        }
        return groups;
    }

    private List<String> securityGroups(List<String> raw) {
        List<String> out = new ArrayList<>();
        for (int i = 0; raw != null && i < raw.size(); i++) {
            optionalId("securityGroups[" + i + "]", raw.get(i), "sg").ifPresent(out::add);
        }
        return out;
    }

    private Optional<ClusterPlan.Proxy> proxy(PlanFile.Proxy p) {
        if (p == null) {
            return Optional.empty();
        }
        if (p.url() == null) {
            problem("proxy.url", "is required (e.g. http://proxy.example.internal:3128)");
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(p.url());
        } catch (URISyntaxException e) {
            problem("proxy.url", "\"" + p.url() + "\" is not a URL");
            return Optional.empty();
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getPort() < 1) {
            problem("proxy.url", "\"" + p.url() + "\" is not http://host:port or https://host:port");
            return Optional.empty();
        }
        List<String> endpoints = p.endpoints() == null ? DEFAULT_ENDPOINTS : p.endpoints();
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i) == null || !ENDPOINT.matcher(endpoints.get(i)).matches()) {
                problem("proxy.endpoints[" + i + "]", "\"" + endpoints.get(i) + "\" is not a service name such as ecr.api");
            }
        }
        List<String> noProxy = p.noProxy() == null ? List.of() : p.noProxy();
        return Optional.of(new ClusterPlan.Proxy(p.url(), uri.getHost(), uri.getPort(),
                endpoints.stream().filter(Objects::nonNull).toList(), noProxy));
    }

    private static List<Cidr> vpcBlocks(ClusterPlan.Vpc vpc) {
        List<Cidr> blocks = new ArrayList<>();
        blocks.add(vpc.cidr());
        blocks.addAll(vpc.existingCidrs());
        blocks.addAll(vpc.secondaryCidrs());
        return blocks;
    }

    private Cidr cidr(String field, String text) {
        return parse(field, text, Cidr::parse);
    }

    private Cidr ipv4(String field, String text, boolean required) {
        if (text == null) {
            return required ? missing(field, "an IPv4 CIDR such as 10.0.0.0/16") : null;
        }
        Cidr c = cidr(field, text);
        if (c != null && !c.isIpv4()) {
            problem(field, c + " is not an IPv4 CIDR");
            return null;
        }
        return c;
    }

    private List<Cidr> ipv4List(String field, List<String> texts) {
        List<Cidr> out = new ArrayList<>();
        for (int i = 0; texts != null && i < texts.size(); i++) {
            Cidr c = ipv4(field + "[" + i + "]", texts.get(i), true);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    private Optional<String> optionalId(String field, String value, String kind) {
        if (value == null) {
            return Optional.empty();
        }
        if (!AWS_ID.matcher(value).matches() || !value.startsWith(kind + "-")) {
            problem(field, "\"" + value + "\" is not a " + kind + " id (" + kind + "- and 8 or 17 hex digits)");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    private String matching(String field, String value, Pattern pattern, String what) {
        if (value == null) {
            return missing(field, what);
        }
        if (!pattern.matcher(value).matches()) {
            problem(field, "\"" + value + "\" is not " + what);
            return null;
        }
        return value;
    }

    private int nonNegative(String field, Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < 0) {
            problem(field, value + " is negative; use 0 or more");
            return fallback;
        }
        return value;
    }

    private Integer required(String field, Integer value) {
        if (value == null) {
            return missing(field, "a whole number, 0 or more");
        }
        if (value < 0) {
            problem(field, value + " is negative; use 0 or more");
            return null;
        }
        return value;
    }

    private <T> T parse(String field, String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (InvalidInputException e) {
            problem(field, e.getMessage());
            return null;
        }
    }

    private <T> T missing(String field, String example) {
        problem(field, "is required (" + example + ")");
        return null;
    }

    private void problem(String field, String message) {
        problems.add(source + ": " + field + ": " + message);
    }
}
