package dev.podnet.planner.artifacts;

import dev.podnet.planner.report.Artifact;

/** The Multus NetworkAttachmentDefinition that puts pods with ipvlan on the node slot's ENI (eth1) and podnet's IPAM. */
final class UnderlayAttachment {
    static final String PATH = "network-attachment-definition.yaml";
    static final String NAME = "podnet-underlay";

    private UnderlayAttachment() {
    }

    static Artifact artifact(PlanView in) {
        // ipvlan l2 on eth1: pods share the ENI's MAC, so the VPC sees only addresses it assigned to that ENI
        Object cniConfig = Yaml.map(
                "cniVersion", "1.0.0",
                "name", NAME,
                "type", "ipvlan",
                "master", "eth1",
                "mode", "l2",
                "ipam", Yaml.map("type", "podnet-ipam", "agentSocket", "/run/podnet/agent.sock", "pool", IpPools.POOL));
        Object attachment = Yaml.map(
                "apiVersion", "k8s.cni.cncf.io/v1",
                "kind", "NetworkAttachmentDefinition",
                "metadata", Yaml.map("name", NAME, "namespace", "default"),
                "spec", Yaml.map("config", Yaml.json(cniConfig)));
        String header = in.origin() + "\n"
                + "Pods join the underlay with the annotation k8s.v1.cni.cncf.io/networks: " + NAME + "\n"
                + "podnet-ipam asks the node's podnet agent for addresses of pool \"" + IpPools.POOL + "\": the IPPools\n"
                + "labelled podnet.dev/pool=" + IpPools.POOL + " (" + IpPools.PATH + ") whose spec.nodeName is that node, served\n"
                + "once EC2 holds the slot's prefixes on its ENI; until then an ADD fails and the runtime retries it.\n"
                + "master eth1 is that ENI when it is the node's first secondary ENI: the agent attaches it at the lowest\n"
                + "free device index, so a warm pool that attached an ENI first moves it; set master to its link then.\n"
                + "Apply with: kubectl apply -f " + PATH;
        return new Artifact(PATH, "Multus attachment for the ipvlan underlay with podnet IPAM",
                Yaml.document(header, attachment));
    }
}
