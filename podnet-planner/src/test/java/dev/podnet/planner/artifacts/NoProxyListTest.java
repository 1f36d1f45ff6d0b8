package dev.podnet.planner.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NoProxyListTest {

    @Test
    void listsVpcServiceLocalAndAwsNamesInOrderWithoutDuplicates() {
        NoProxyList list = NoProxyList.of(ArtifactFixtures.privateCluster().plan());
        assertThat(list.entries()).containsExactly(
                "10.2.0.0/16", "10.3.0.0/16", "172.20.0.0/16",
                "169.254.169.254", "localhost", "127.0.0.1", ".internal",
                ".eu-west-1.eks.amazonaws.com",
                "ec2.eu-west-1.amazonaws.com", "api.ecr.eu-west-1.amazonaws.com", "dkr.ecr.eu-west-1.amazonaws.com",
                "sts.eu-west-1.amazonaws.com", "logs.eu-west-1.amazonaws.com", "s3.eu-west-1.amazonaws.com",
                // the user's 10.2.0.0/16 is the VPC CIDR again, so only .corp.internal is new
                ".corp.internal");
        assertThat(list.joined()).startsWith("10.2.0.0/16,10.3.0.0/16,").doesNotContain(" ");
    }

    @Test
    void endpointHostsReverseDottedServiceNames() {
        assertThat(NoProxyList.endpointHost("ecr.api", "us-east-1")).isEqualTo("api.ecr.us-east-1.amazonaws.com");
        assertThat(NoProxyList.endpointHost("sts", "us-east-1")).isEqualTo("sts.us-east-1.amazonaws.com");
    }

    @Test
    void refusesAPlanWithoutAProxy() {
        assertThatThrownBy(() -> NoProxyList.of(ArtifactFixtures.prefix().plan()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no proxy");
    }
}
