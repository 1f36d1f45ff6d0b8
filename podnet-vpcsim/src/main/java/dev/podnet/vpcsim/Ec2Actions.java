package dev.podnet.vpcsim;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The EC2 actions the server answers, each read from the request's parameters (wire names from service-2.json),
 * done through the CloudNetwork SPI and written as EC2's response XML. Errors are thrown as {@link CloudException}s
 * carrying EC2's code; the server turns them into EC2's error document.
 */
public final class Ec2Actions {

    @FunctionalInterface
    interface Action {
        void run(QueryParams params, XmlWriter out);
    }

    private final CloudNetwork cloud;
    private final WorldDirectory world;
    private final Map<String, Action> actions = new LinkedHashMap<>();

    public Ec2Actions(CloudNetwork cloud, WorldDirectory world) {
        this.cloud = Objects.requireNonNull(cloud, "cloud");
        this.world = Objects.requireNonNull(world, "world");
        actions.put("DescribeVpcs", this::describeVpcs);
        actions.put("DescribeInstances", this::describeInstances);
        actions.put("DescribeSubnets", this::describeSubnets);
        actions.put("DescribeNetworkInterfaces", this::describeNetworkInterfaces);
        actions.put("CreateNetworkInterface", this::createNetworkInterface);
        actions.put("AttachNetworkInterface", this::attachNetworkInterface);
        actions.put("DetachNetworkInterface", this::detachNetworkInterface);
        actions.put("DeleteNetworkInterface", this::deleteNetworkInterface);
        actions.put("AssignPrivateIpAddresses", this::assignPrivateIpAddresses);
        actions.put("UnassignPrivateIpAddresses", this::unassignPrivateIpAddresses);
        actions.put("AssignIpv6Addresses", this::assignIpv6Addresses);
        actions.put("UnassignIpv6Addresses", this::unassignIpv6Addresses);
        actions.put("ModifyNetworkInterfaceAttribute", this::modifyNetworkInterfaceAttribute);
    }

    /** Adds an action (the emulator's VPC-level ones come from {@link Ec2VpcActions}). */
    void register(String name, Action action) {
        if (actions.putIfAbsent(name, action) != null) {
            throw new IllegalStateException("action " + name + " is registered twice");
        }
    }

    public Set<String> names() {
        return new TreeSet<>(actions.keySet());
    }

    /** Runs one action and returns the response document; throws {@link CloudException} with EC2's code on failure. */
    public String run(String actionName, QueryParams params, String requestId) {
        Action action = actions.get(actionName);
        if (action == null) {
            throw new CloudException(Ec2Error.INVALID_ACTION, "The action " + actionName + " is not valid for this web service.");
        }
        if (params.bool("DryRun", false)) {
            throw new CloudException("DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
        }
        return Ec2Responses.success(actionName, requestId, out -> action.run(params, out));
    }

    private void describeInstances(QueryParams p, XmlWriter out) {
        List<Filter> filters = Filter.parse(p, "Filter");
        var matches = Ec2Shapes.INSTANCE_FILTERS.predicate(filters);
        out.start("reservationSet");
        world.describeInstances(p.list("InstanceId")).stream().filter(matches)
                .forEach(i -> Ec2Shapes.reservation(out, i));
        out.end();
    }

    private void describeVpcs(QueryParams p, XmlWriter out) {
        var matches = Ec2Shapes.VPC_FILTERS.predicate(Filter.parse(p, "Filter"));
        out.start("vpcSet");
        world.describeVpcs(p.list("VpcId")).stream().filter(matches).forEach(v -> Ec2Shapes.vpc(out, v));
        out.end();
    }

    private void describeSubnets(QueryParams p, XmlWriter out) {
        var matches = Ec2Shapes.SUBNET_FILTERS.predicate(Filter.parse(p, "Filter"));
        out.start("subnetSet");
        cloud.describeSubnets(p.list("SubnetId")).stream().filter(matches).forEach(s -> Ec2Shapes.subnet(out, s));
        out.end();
    }

    /**
     * The filters the SPI knows go to the SPI when they name one value, so an implementation sees podnet's own
     * queries as podnet makes them; every filter is then applied here as well, which also covers several values,
     * wildcards and the names the SPI lacks. A network-interface-id filter never goes to the SPI: unlike
     * NetworkInterfaceId.N, an unknown id in a filter matches nothing instead of failing.
     */
    private void describeNetworkInterfaces(QueryParams p, XmlWriter out) {
        List<Filter> filters = Filter.parse(p, "Filter");
        var matches = Ec2Shapes.ENI_FILTERS.predicate(filters);
        Map<String, String> tags = new LinkedHashMap<>();
        Optional<String> instanceId = Optional.empty();
        Optional<String> status = Optional.empty();
        Optional<String> subnetId = Optional.empty();
        for (Filter f : filters) {
            String exact = f.exactValue();
            if (exact == null) {
                continue;
            }
            switch (f.name()) {
                case "attachment.instance-id" -> instanceId = Optional.of(exact);
                case "status" -> status = Optional.of(exact);
                case "subnet-id" -> subnetId = Optional.of(exact);
                default -> {
                    if (f.name().startsWith("tag:")) {
                        tags.put(f.name().substring("tag:".length()), exact);
                    }
                }
            }
        }
        EniFilter query = new EniFilter(p.list("NetworkInterfaceId"), instanceId, status, subnetId, tags);
        out.start("networkInterfaceSet");
        cloud.describeNetworkInterfaces(query).stream().filter(matches)
                .forEach(n -> Ec2Shapes.networkInterface(out, "item", n));
        out.end();
    }

    /**
     * CreateNetworkInterface, also with SecondaryPrivateIpAddressCount, Ipv4PrefixCount or Ipv6PrefixCount (the AWS
     * CLI and the VPC CNI send them). The SPI creates bare ENIs, so those are assigned afterwards; if that fails the
     * new ENI is deleted again and the client sees the assignment's error with nothing left behind.
     */
    private void createNetworkInterface(QueryParams p, XmlWriter out) {
        String subnetId = p.required("SubnetId");
        unsupported(p, "PrivateIpAddress", "PrivateIpAddresses", "Ipv4Prefix", "Ipv6Prefix", "Ipv6Addresses",
                "Ipv6AddressCount", "InterfaceType");
        Optional<Integer> secondary = p.integer("SecondaryPrivateIpAddressCount");
        Optional<Integer> ipv4Prefixes = p.integer("Ipv4PrefixCount");
        Optional<Integer> ipv6Prefixes = p.integer("Ipv6PrefixCount");
        if (secondary.isPresent() && ipv4Prefixes.isPresent()) {
            throw new CloudException(Ec2Error.INVALID_PARAMETER_COMBINATION,
                    "SecondaryPrivateIpAddressCount and Ipv4PrefixCount cannot be used together");
        }
        CreateEni request = new CreateEni(subnetId, p.list("SecurityGroupId"), p.optional("Description").orElse(""),
                tags(p, "network-interface"));
        NetworkInterface created = cloud.createNetworkInterface(request);
        if (secondary.isPresent() || ipv4Prefixes.isPresent() || ipv6Prefixes.isPresent()) {
            try {
                secondary.filter(n -> n > 0).ifPresent(n -> cloud.assignPrivateIpAddresses(created.id(), n));
                ipv4Prefixes.filter(n -> n > 0).ifPresent(n -> cloud.assignIpv4Prefixes(created.id(), n));
                ipv6Prefixes.filter(n -> n > 0).ifPresent(n -> cloud.assignIpv6Prefixes(created.id(), n));
            } catch (RuntimeException e) {
                try {
                    cloud.deleteNetworkInterface(created.id());
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
        NetworkInterface current = secondary.isEmpty() && ipv4Prefixes.isEmpty() && ipv6Prefixes.isEmpty() ? created
                : cloud.describeNetworkInterfaces(EniFilter.ids(created.id())).getFirst();
        Ec2Shapes.networkInterface(out, "networkInterface", current);
        out.element("clientToken", p.optional("ClientToken").orElse(null));
    }

    /** Tags of the TagSpecification.N whose ResourceType is {@code resourceType}; other resource types are refused. */
    static Map<String, String> tags(QueryParams p, String resourceType) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (QueryParams spec : p.group("TagSpecification")) {
            String type = spec.required("ResourceType");
            if (!type.equals(resourceType)) {
                throw new CloudException(Ec2Error.INVALID_PARAMETER_VALUE,
                        "'" + type + "' is not a valid taggable resource type for this operation.");
            }
            for (QueryParams tag : spec.group("Tag")) {
                tags.put(tag.required("Key"), tag.optional("Value").orElse(""));
            }
        }
        return tags;
    }

    private void attachNetworkInterface(QueryParams p, XmlWriter out) {
        String eniId = p.required("NetworkInterfaceId");
        String instanceId = p.required("InstanceId");
        int deviceIndex = p.requiredInteger("DeviceIndex");
        if (p.integer("NetworkCardIndex").orElse(0) != 0) {
            throw new CloudException(Ec2Error.INVALID_PARAMETER_VALUE, "vpcsim instances have one network card (index 0)");
        }
        out.element("attachmentId", cloud.attachNetworkInterface(eniId, instanceId, deviceIndex));
        out.element("networkCardIndex", 0);
    }

    private void detachNetworkInterface(QueryParams p, XmlWriter out) {
        String attachmentId = p.required("AttachmentId");
        cloud.detachNetworkInterface(attachmentId, p.bool("Force", false));
        out.element("return", true);
    }

    private void deleteNetworkInterface(QueryParams p, XmlWriter out) {
        cloud.deleteNetworkInterface(p.required("NetworkInterfaceId"));
        out.element("return", true);
    }

    private void assignPrivateIpAddresses(QueryParams p, XmlWriter out) {
        String eniId = p.required("NetworkInterfaceId");
        String choice = exactlyOne(p, "SecondaryPrivateIpAddressCount", "PrivateIpAddress", "Ipv4PrefixCount", "Ipv4Prefix");
        List<String> addresses = List.of();
        List<String> prefixes = List.of();
        switch (choice) {
            case "SecondaryPrivateIpAddressCount" ->
                    addresses = cloud.assignPrivateIpAddresses(eniId, p.requiredInteger("SecondaryPrivateIpAddressCount"));
            case "PrivateIpAddress" -> addresses = cloud.assignPrivateIpAddresses(eniId, p.list("PrivateIpAddress"),
                    p.bool("AllowReassignment", false));
            case "Ipv4PrefixCount" -> prefixes = cloud.assignIpv4Prefixes(eniId, p.requiredInteger("Ipv4PrefixCount"));
            default -> prefixes = cloud.assignIpv4Prefixes(eniId, p.list("Ipv4Prefix"));
        }
        out.element("networkInterfaceId", eniId);
        out.start("assignedPrivateIpAddressesSet");
        addresses.forEach(ip -> out.start("item").element("privateIpAddress", ip).end());
        out.end();
        out.start("assignedIpv4PrefixSet");
        prefixes.forEach(prefix -> out.start("item").element("ipv4Prefix", prefix).end());
        out.end();
    }

    private void unassignPrivateIpAddresses(QueryParams p, XmlWriter out) {
        String eniId = p.required("NetworkInterfaceId");
        if (exactlyOne(p, "PrivateIpAddress", "Ipv4Prefix").equals("PrivateIpAddress")) {
            cloud.unassignPrivateIpAddresses(eniId, p.list("PrivateIpAddress"));
        } else {
            cloud.unassignIpv4Prefixes(eniId, p.list("Ipv4Prefix"));
        }
        out.element("return", true);
    }

    private void assignIpv6Addresses(QueryParams p, XmlWriter out) {
        String eniId = p.required("NetworkInterfaceId");
        String choice = exactlyOne(p, "Ipv6PrefixCount", "Ipv6Prefix", "Ipv6AddressCount", "Ipv6Addresses");
        List<String> prefixes = switch (choice) {
            case "Ipv6PrefixCount" -> cloud.assignIpv6Prefixes(eniId, p.requiredInteger("Ipv6PrefixCount"));
            case "Ipv6Prefix" -> cloud.assignIpv6Prefixes(eniId, p.list("Ipv6Prefix"));
            default -> throw unsupportedValue(choice + " (IPv6 addresses)", "Ipv6PrefixCount or Ipv6Prefix.N");
        };
        Ec2Shapes.stringSet(out, "assignedIpv6Addresses", List.of());
        Ec2Shapes.stringSet(out, "assignedIpv6PrefixSet", prefixes);
        out.element("networkInterfaceId", eniId);
    }

    private void unassignIpv6Addresses(QueryParams p, XmlWriter out) {
        String eniId = p.required("NetworkInterfaceId");
        if (!exactlyOne(p, "Ipv6Prefix", "Ipv6Addresses").equals("Ipv6Prefix")) {
            throw unsupportedValue("Ipv6Addresses.N", "Ipv6Prefix.N");
        }
        List<String> prefixes = p.list("Ipv6Prefix");
        cloud.unassignIpv6Prefixes(eniId, prefixes);
        out.element("networkInterfaceId", eniId);
        Ec2Shapes.stringSet(out, "unassignedIpv6Addresses", List.of());
        Ec2Shapes.stringSet(out, "unassignedIpv6PrefixSet", prefixes);
    }

    /**
     * Accepted and answered true without changing anything: the VPC CNI sets Attachment.DeleteOnTermination after
     * every attach, and the emulator has no instance termination for it to matter. The values are still checked.
     */
    private void modifyNetworkInterfaceAttribute(QueryParams p, XmlWriter out) {
        p.required("NetworkInterfaceId");
        p.bool("Attachment.DeleteOnTermination", true);
        p.bool("SourceDestCheck.Value", true);
        out.element("return", true);
    }

    /** Which one of the alternative parameters (each a scalar or a list name) the request sent; exactly one must be. */
    private static String exactlyOne(QueryParams p, String... names) {
        List<String> sent = java.util.Arrays.stream(names).filter(p::has).toList();
        if (sent.isEmpty()) {
            throw new CloudException(Ec2Error.MISSING_PARAMETER,
                    "The request must contain one of the parameters " + String.join(", ", names));
        }
        if (sent.size() > 1) {
            throw new CloudException(Ec2Error.INVALID_PARAMETER_COMBINATION,
                    "The parameters " + String.join(" and ", sent) + " cannot be used together");
        }
        return sent.getFirst();
    }

    static void unsupported(QueryParams p, String... names) {
        for (String name : names) {
            if (p.has(name)) {
                throw new CloudException(Ec2Error.INVALID_PARAMETER_VALUE, "vpcsim does not support the parameter " + name);
            }
        }
    }

    static CloudException unsupportedValue(String what, String instead) {
        return new CloudException(Ec2Error.INVALID_PARAMETER_VALUE, "vpcsim does not support " + what + "; use " + instead);
    }
}
