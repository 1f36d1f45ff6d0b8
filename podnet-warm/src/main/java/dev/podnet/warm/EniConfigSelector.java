package dev.podnet.warm;

import java.util.Map;

/**
 * How the VPC CNI names a node's ENIConfig (amazon-vpc-cni-k8s, pkg/eniconfig GetNodeSpecificENIConfigName); the first
 * key the node has wins: the label {@value #EXTERNAL_LABEL} (managed outside the cluster, e.g. by the kubelet's
 * {@code --node-labels}), the annotation named by ENI_CONFIG_ANNOTATION_DEF, the label named by ENI_CONFIG_LABEL_DEF,
 * else {@value #DEFAULT_NAME}. A key that is present wins even with an empty value, as there.
 *
 * @param annotation the annotation key ENI_CONFIG_ANNOTATION_DEF gives
 * @param label      the label key ENI_CONFIG_LABEL_DEF gives
 */
public record EniConfigSelector(String annotation, String label) {
    public static final String EXTERNAL_LABEL = "vpc.amazonaws.com/externalEniConfig";
    public static final String DEFAULT_NAME = "default";

    /** The ENIConfig's name and, for messages, what on the node gave it ("the value of the node's label ..."). */
    public record Choice(String name, String from) {
    }

    public Choice choose(Map<String, String> labels, Map<String, String> annotations) {
        if (labels.containsKey(EXTERNAL_LABEL)) {
            return new Choice(labels.get(EXTERNAL_LABEL), "the value of the node's label " + EXTERNAL_LABEL);
        }
        if (annotations.containsKey(annotation)) {
            return new Choice(annotations.get(annotation), "the value of the node's annotation " + annotation);
        }
        if (labels.containsKey(label)) {
            return new Choice(labels.get(label), "the value of the node's label " + label);
        }
        return new Choice(DEFAULT_NAME, "the name when the node has no label " + EXTERNAL_LABEL + ", annotation "
                + annotation + " or label " + label);
    }
}
