package dev.podnet.overlay.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.net.InvalidInputException;
import dev.podnet.overlay.FlannelConfig;
import dev.podnet.overlay.Ipv4Net;
import dev.podnet.overlay.LeaseAttrs;
import dev.podnet.overlay.OverlayException;
import dev.podnet.overlay.SubnetKey;
import dev.podnet.overlay.SubnetLease;
import dev.podnet.overlay.SubnetRegistry;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * flannel's kube subnet manager ({@code --kube-subnet-mgr}), for clusters that give each node a {@code spec.podCIDR}:
 * that is the node's subnet, and each node publishes what the others need to reach it as flannel's annotations on its
 * Node object ({@code flannel.alpha.coreos.com/public-ip}, {@code backend-type}, {@code backend-data} as
 * {@code {"VNI":1,"VtepMAC":"..."}} and {@code kube-subnet-manager: "true"}), so podnet and flannel nodes in that mode
 * are each other's peers. Nothing expires: a node's lease goes with its Node object. The annotations are written by a
 * JSON merge patch of the Node (flannel patches nodes/status; RBAC must allow {@code patch} on nodes).
 */
public final class FlannelNodes implements SubnetRegistry {
    static final String PREFIX = "flannel.alpha.coreos.com/";
    static final String MANAGED = PREFIX + "kube-subnet-manager";
    static final String PUBLIC_IP = PREFIX + "public-ip";
    static final String BACKEND_TYPE = PREFIX + "backend-type";
    static final String BACKEND_DATA = PREFIX + "backend-data";
    private static final Logger LOG = Logger.getLogger(FlannelNodes.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String nodeName;
    private final FlannelConfig config;

    /** @param config the network, from flannel's net-conf.json */
    public FlannelNodes(KubernetesClient client, String nodeName, FlannelConfig config) {
        this.client = client;
        this.nodeName = nodeName;
        this.config = config;
    }

    @Override
    public FlannelConfig config() {
        return config;
    }

    /** This node's podCIDR, with flannel's annotations on its Node brought up to date with {@code attrs}. */
    @Override
    public SubnetLease acquire(LeaseAttrs attrs) {
        Node node = call("read node " + nodeName, () -> client.nodes().withName(nodeName).get());
        if (node == null) {
            throw new InvalidInputException("there is no Node " + nodeName + " in the API server at "
                    + client.getMasterUrl() + "; --node-name (or MY_NODE_NAME) must be this node's name");
        }
        Ipv4Net subnet = podCidr(node).orElseThrow(() -> new InvalidInputException("node " + nodeName
                + " has no IPv4 spec.podCIDR: the kube subnet manager needs the cluster to give nodes their CIDRs "
                + "(kube-controller-manager --allocate-node-cidrs)"));
        Ipv4Net network = config.network();
        if (subnet.prefixLength() < network.prefixLength() || !network.contains(subnet.address())) {
            throw new InvalidInputException("node " + nodeName + "'s podCIDR " + subnet + " is not in the network "
                    + network + " of the net-conf");
        }
        Map<String, String> want = annotations(attrs);
        Map<String, String> have = Optional.ofNullable(node.getMetadata().getAnnotations()).orElse(Map.of());
        if (!have.entrySet().containsAll(want.entrySet())) {
            String patch = JSON.createObjectNode().set("metadata", JSON.createObjectNode()
                    .set("annotations", JSON.valueToTree(want))).toString();
            call("annotate node " + nodeName, () -> client.nodes().withName(nodeName)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch));
            LOG.info("annotated node " + nodeName + " for flannel: " + want);
        }
        return new SubnetLease(SubnetKey.of(subnet), attrs, 0, 0);
    }

    /** The podCIDR never changes; the annotations are put back if someone changed them. */
    @Override
    public SubnetLease maintain(LeaseAttrs attrs) {
        return acquire(attrs);
    }

    @Override
    public Following follow(Listener listener) {
        NodeList list = call("list the nodes", () -> client.nodes().list());
        Map<String, SubnetLease> known = new TreeMap<>();
        for (Node n : list.getItems()) {
            lease(n).ifPresent(l -> known.put(n.getMetadata().getName(), l));
        }
        List<SubnetLease> first = List.copyOf(known.values());
        var watch = call("watch the nodes", () -> client.nodes()
                .withResourceVersion(list.getMetadata().getResourceVersion()).watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Node node) {
                        synchronized (known) {
                            String name = node.getMetadata().getName();
                            Optional<SubnetLease> lease = action == Action.DELETED ? Optional.empty() : lease(node);
                            lease.ifPresentOrElse(l -> known.put(name, l), () -> known.remove(name));
                            listener.leases(List.copyOf(known.values()));
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        listener.failed(new OverlayException("the watch of the Node objects ended: "
                                + cause.getMessage(), cause));
                    }
                }));
        return new Following(first, watch::close);
    }

    /** A node's lease as flannel reads it: annotated as managed, with a podCIDR and a public IP. */
    static Optional<SubnetLease> lease(Node node) {
        Map<String, String> a = Optional.ofNullable(node.getMetadata().getAnnotations()).orElse(Map.of());
        Optional<Ipv4Net> subnet = podCidr(node);
        if (!"true".equals(a.get(MANAGED)) || subnet.isEmpty() || a.get(PUBLIC_IP) == null) {
            return Optional.empty();
        }
        try {
            Optional<JsonNode> data = a.get(BACKEND_DATA) == null ? Optional.empty()
                    : Optional.of(JSON.readTree(a.get(BACKEND_DATA)));
            LeaseAttrs attrs = new LeaseAttrs(a.get(PUBLIC_IP), Optional.empty(), a.getOrDefault(BACKEND_TYPE, ""),
                    data, Optional.empty());
            return Optional.of(new SubnetLease(SubnetKey.of(subnet.get()), attrs, 0, 0));
        } catch (IOException | InvalidInputException e) {
            LOG.warning("ignoring node " + node.getMetadata().getName() + "'s flannel annotations: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The annotations flannel writes for a node, in flannel's format. */
    static Map<String, String> annotations(LeaseAttrs attrs) {
        Map<String, String> want = new TreeMap<>();
        want.put(BACKEND_TYPE, attrs.backendType());
        attrs.backendData().ifPresent(d -> want.put(BACKEND_DATA, d.toString()));
        want.put(PUBLIC_IP, attrs.publicIp());
        want.put(MANAGED, "true");
        return want;
    }

    private static Optional<Ipv4Net> podCidr(Node node) {
        if (node.getSpec() == null) {
            return Optional.empty();
        }
        List<String> cidrs = node.getSpec().getPodCIDRs() == null ? List.of() : node.getSpec().getPodCIDRs();
        return Stream.concat(Stream.ofNullable(node.getSpec().getPodCIDR()), cidrs.stream())
                .filter(c -> !c.contains(":")).findFirst().flatMap(c -> {
                    try {
                        return Optional.of(Ipv4Net.parse(c));
                    } catch (InvalidInputException e) {
                        return Optional.empty();
                    }
                });
    }

    private <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (KubernetesClientException e) {
            throw new OverlayException(what + ": the API server at " + client.getMasterUrl() + " answered "
                    + (e.getCode() == 0 ? "nothing" : "HTTP " + e.getCode()) + ": " + e.getMessage(), e);
        }
    }
}
