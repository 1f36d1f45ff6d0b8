package dev.podnet.cloud;

import static dev.podnet.cloud.sim.DefaultWorld.SECURITY_GROUP_PODS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;

/**
 * What {@link CloudNetworkContract} runs on: a fresh network per test ({@link #network()}: a fresh
 * {@link DefaultWorld#spec()} with throttling off and no attach delay or call latency, so that an attachment reads
 * "attached" as soon as the call returns) and the helpers its tests share.
 */
public abstract class CloudNetworkFixture {

    protected static final Map<String, String> POD_TAGS = Map.of("podnet.dev/node", "node-a", "podnet.dev/owned", "true");

    protected CloudNetwork net;

    /** A network of a fresh {@link DefaultWorld#spec()}, throttling off, no delays. */
    protected abstract CloudNetwork network();

    @BeforeEach
    void freshNetwork() {
        net = network();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** Asserts that {@code call} fails with a CloudException carrying {@code error}'s code. */
    protected static void assertCode(Ec2Error error, ThrowingCallable call) {
        CloudException e = catchThrowableOfType(CloudException.class, call);
        assertThat(e).as("expected %s", error.code()).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(error.code());
    }

    protected Subnet subnet(String id) {
        return net.describeSubnets(List.of(id)).getFirst();
    }

    protected NetworkInterface describe(String eniId) {
        return net.describeNetworkInterfaces(EniFilter.ids(eniId)).getFirst();
    }

    protected NetworkInterface create(String subnetId) {
        return net.createNetworkInterface(new CreateEni(subnetId, List.of(SECURITY_GROUP_PODS), "podnet", POD_TAGS));
    }

    protected String attachedEni(String subnetId, String instanceId, int deviceIndex) {
        String eni = create(subnetId).id();
        net.attachNetworkInterface(eni, instanceId, deviceIndex);
        return eni;
    }

    protected List<String> ids(EniFilter filter) {
        return net.describeNetworkInterfaces(filter).stream().map(NetworkInterface::id).toList();
    }

    /** An address of the subnet no ENI holds: the fresh world holds only primary addresses, so scan for one. */
    protected String freeAddressIn(String subnetId) {
        List<String> held = new ArrayList<>();
        for (NetworkInterface e : net.describeNetworkInterfaces(EniFilter.all())) {
            held.add(e.primaryIpv4());
            held.addAll(e.secondaryIpv4());
        }
        Cidr cidr = Cidr.parse(subnet(subnetId).cidrBlock());
        for (int i = 10; ; i++) {
            String candidate = cidr.subnet(32, i).firstAddress();
            if (!held.contains(candidate)) {
                return candidate;
            }
        }
    }

    /** {@code count} aligned /28s of the subnet holding no address any ENI has, past the first (EC2 reserves in it). */
    protected List<String> freePrefixesIn(String subnetId, int count) {
        List<Cidr> held = new ArrayList<>();
        for (NetworkInterface e : net.describeNetworkInterfaces(EniFilter.all())) {
            held.add(Cidr.parse(e.primaryIpv4() + "/32"));
            e.secondaryIpv4().forEach(ip -> held.add(Cidr.parse(ip + "/32")));
            e.ipv4Prefixes().forEach(p -> held.add(Cidr.parse(p)));
        }
        Cidr cidr = Cidr.parse(subnet(subnetId).cidrBlock());
        List<String> free = new ArrayList<>();
        for (int i = 1; free.size() < count; i++) {
            Cidr candidate = cidr.subnet(28, i);
            if (held.stream().noneMatch(candidate::overlaps)) {
                free.add(candidate.toString());
            }
        }
        return free;
    }

    protected static boolean inside(String address, String cidr) {
        return Cidr.parse(cidr).contains(Cidr.parse(address + "/32"));
    }
}
