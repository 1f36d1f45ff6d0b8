package dev.podnet.cli;

import dev.podnet.agent.CloudPoolConfig;
import dev.podnet.cloud.aws.AwsCloudNetwork;
import dev.podnet.cloud.aws.AwsSettings;
import dev.podnet.cloud.aws.InstanceIdentity;
import dev.podnet.net.InvalidInputException;
import dev.podnet.planner.MaxPods;
import dev.podnet.warm.EniConfigSource;
import dev.podnet.warm.EniConfigFile;
import dev.podnet.warm.VpcCniEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** The agent's cloud options: {@code --cloud aws} and what the AWS VPC CNI reads from its environment. */
final class CloudOptions {
    @Option(names = "--cloud", paramLabel = "aws", description = "Feed a pool (named vpc) from EC2: ENI secondary IPs or /28 prefixes.")
    String cloud;

    @Option(names = "--ec2-endpoint", paramLabel = "URL", description = "EC2 endpoint, e.g. a podnet vpcsim (default: the region's).")
    String endpoint;

    @Option(names = "--region", paramLabel = "R", description = "AWS region (default AWS_REGION, else instance metadata).")
    String region;

    @Option(names = "--instance-id", paramLabel = "ID", description = "This node's instance (default: from instance metadata, IMDSv2).")
    String instanceId;

    @Option(names = "--cluster-name", paramLabel = "NAME", description = "Tagged on the ENIs the agent creates (default CLUSTER_NAME, else podnet).")
    String clusterName;

    @Option(names = "--max-pods", paramLabel = "N", description = "The kubelet's max pods (default: the VPC CNI formula for the type).")
    Integer maxPods;

    @Option(names = "--eniconfig-file", paramLabel = "FILE",
            description = "ENIConfig manifests, for AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true on a cluster without the "
                    + "ENIConfig CRD (default: the ENIConfigs of the API server).")
    Path eniConfigFile;

    @Option(names = "--eniconfig", paramLabel = "NAME",
            description = "With --eniconfig-file: the ENIConfig for this node (default: the one named after its zone).")
    String eniConfigName;

    @Option(names = "--node-setup", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Set up ENI links, route tables and SNAT in the node namespace (default); "
                    + "--no-node-setup leaves them to something else.")
    boolean nodeSetup = true;

    /**
     * @param api the node's ENIConfigs from the API server, when there is one; asked only under custom networking
     *            without --eniconfig-file
     */
    Optional<CloudPoolConfig> config(Map<String, String> env, Supplier<Optional<EniConfigSource>> api) {
        if (cloud == null) {
            return Optional.empty();
        }
        if (!cloud.equals("aws")) {
            throw new InvalidInputException("--cloud must be aws, got \"" + cloud + "\"");
        }
        Optional<Function<String, EniConfigSource>> eniConfigs = VpcCniEnvironment.warmPool(env).customNetworking()
                ? Optional.of(eniConfigs(env, api)) : Optional.empty();
        AwsSettings.Builder aws;
        try {
            aws = AwsSettings.fromEnvironment(env);
            if (endpoint != null) {
                aws.endpoint(endpoint);
            }
            String id = instanceId;
            if (id == null || (region == null && !env.containsKey("AWS_REGION") && !env.containsKey("AWS_DEFAULT_REGION"))) {
                InstanceIdentity identity = InstanceIdentity.fetch(env);
                id = id == null ? identity.instanceId() : id;
                aws.region(region != null ? region : identity.region());
            }
            if (region != null) {
                aws.region(region);
            }
            AwsCloudNetwork network = AwsCloudNetwork.create(aws.build());
            String cluster = clusterName != null ? clusterName : env.getOrDefault("CLUSTER_NAME", "podnet");
            return Optional.of(CloudPoolConfig.vpcCni(network, id, cluster, env, eniConfigs,
                    (type, pool) -> maxPods != null ? maxPods : MaxPods.vpcCni(type, pool), Duration.ofSeconds(5),
                    nodeSetup));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    /**
     * --eniconfig-file wins; without it the API server's ENIConfigs, picked by the node's labels and annotations. A
     * file knows no labels: --eniconfig names the ENIConfig, else the zone does (as with
     * ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone, the only label whose value the agent knows without the API).
     */
    private Function<String, EniConfigSource> eniConfigs(Map<String, String> env,
                                                         Supplier<Optional<EniConfigSource>> api) {
        if (eniConfigFile == null) {
            if (eniConfigName != null) {
                throw new InvalidInputException("--eniconfig needs --eniconfig-file; from the API server the node's "
                        + "labels and annotations name its ENIConfig");
            }
            EniConfigSource fromApi = api.get().orElseThrow(() -> new InvalidInputException(
                    VpcCniEnvironment.CUSTOM_NETWORK_CFG + "=true needs ENIConfigs: an API server (--kubeconfig, "
                            + "KUBECONFIG or in-cluster) or --eniconfig-file"));
            return zone -> fromApi;
        }
        String label = VpcCniEnvironment.eniConfigSelector(env).label();
        if (eniConfigName == null && !label.equals(VpcCniEnvironment.DEFAULT_ENI_CONFIG_KEY)
                && !label.equals(VpcCniEnvironment.ZONE_LABEL)) {
            throw new InvalidInputException(VpcCniEnvironment.ENI_CONFIG_LABEL_DEF + "=" + label + " names a node "
                    + "label the agent cannot read from --eniconfig-file: give --eniconfig NAME");
        }
        return CloudPoolConfig.given(EniConfigFile.load(eniConfigFile), Optional.ofNullable(eniConfigName));
    }
}
