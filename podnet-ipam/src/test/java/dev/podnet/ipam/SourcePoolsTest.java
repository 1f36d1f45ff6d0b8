package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.ipam.IpamException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Allocations drawn from the IP pools a pod chose, recorded under the network's name, and pools defined at run time. */
class SourcePoolsTest {
    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock();
    final List<Ipam> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(Ipam::close);
    }

    Ipam open(Pool... pools) {
        Ipam ipam = Ipam.open(dir, List.of(pools), clock, IpamOptions.builder().quarantine(Duration.ZERO).build());
        opened.add(ipam);
        return ipam;
    }

    static final Pool NET = Pool.of("net", IpRange.of("192.168.0.0/30"));
    static final Pool BLUE = Pool.of("blue", IpRange.builder("10.1.0.0/24").rangeStart("10.1.0.10")
            .rangeEnd("10.1.0.11").build());
    static final Pool GREEN = Pool.of("green", IpRange.of("10.2.0.0/24"));
    static final Pool BLUE6 = Pool.of("blue6", IpRange.of("fd00:1::/120"));

    static AllocationRequest add(int i, String... sources) {
        return AllocationRequest.of(AttachmentKey.of("c" + i, "eth0"), "net").from(List.of(sources));
    }

    static List<String> texts(Allocation a) {
        return a.addresses().stream().map(x -> x.address().toString()).toList();
    }

    @Test
    void oneAddressPerFamilyFromTheSourcesUnderTheNetworksName() {
        Ipam ipam = open(NET, BLUE, BLUE6);
        Allocation a = ipam.allocate(add(1, "blue", "blue6"));
        assertThat(texts(a)).containsExactly("10.1.0.10", "fd00:1::2");
        assertThat(a.pool()).isEqualTo("net");
        assertThat(ipam.gc("net", java.util.Set.of())).hasSize(1);
    }

    @Test
    void theNextSourceGivesWhenTheFirstIsFull() {
        Ipam ipam = open(NET, BLUE, GREEN);
        assertThat(texts(ipam.allocate(add(1, "blue", "green")))).containsExactly("10.1.0.10");
        assertThat(texts(ipam.allocate(add(2, "blue", "green")))).containsExactly("10.1.0.11");
        assertThat(texts(ipam.allocate(add(3, "blue", "green")))).containsExactly("10.2.0.2");
        assertThatThrownBy(() -> ipam.allocate(add(4, "blue"))).isInstanceOf(IpamException.class)
                .hasMessageContaining("pool blue has no free IPv4 address");
    }

    @Test
    void aRequestedAddressIsTakenFromWhicheverSourceHoldsIt() {
        Ipam ipam = open(NET, BLUE, GREEN);
        AllocationRequest r = add(1, "blue", "green");
        Allocation a = ipam.allocate(new AllocationRequest(r.key(), "net",
                List.of(Addresses.parse("10.2.0.77")), Optional.empty(), r.sources()));
        assertThat(texts(a)).containsExactly("10.2.0.77");
        AllocationRequest again = add(2, "blue", "green");
        assertThatThrownBy(() -> ipam.allocate(new AllocationRequest(again.key(), "net",
                List.of(Addresses.parse("10.2.0.77")), Optional.empty(), again.sources())))
                .isInstanceOf(IpamException.class).hasMessageContaining("is held by c1/eth0");
        assertThatThrownBy(() -> ipam.allocate(new AllocationRequest(again.key(), "net",
                List.of(Addresses.parse("10.9.0.1")), Optional.empty(), again.sources())))
                .hasMessageContaining("outside every range of pools [blue, green]");
    }

    @Test
    void anUnknownSourceChangesNothing() {
        Ipam ipam = open(NET, BLUE);
        assertThatThrownBy(() -> ipam.allocate(add(1, "blue", "nope"))).isInstanceOf(IpamException.class)
                .extracting(e -> ((IpamException) e).reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(ipam.allocations()).isEmpty();
    }

    @Test
    void poolsDefinedAtRunTimeServeAndMustNotOverlap() {
        Ipam ipam = open(NET);
        ipam.define(GREEN);
        assertThat(texts(ipam.allocate(add(1, "green")))).containsExactly("10.2.0.2");
        ipam.define(GREEN);
        assertThatThrownBy(() -> ipam.define(Pool.of("other", IpRange.of("10.2.0.128/25"))))
                .isInstanceOf(IpamException.class).hasMessageContaining("overlaps");
        assertThatThrownBy(() -> ipam.define(Pool.of("green", IpRange.of("10.3.0.0/24"))))
                .extracting(e -> ((IpamException) e).reason()).isEqualTo(Reason.CONFLICT);
        ipam.define(Pool.of("blue", IpRange.of("10.1.0.0/24")));
        ipam.define(BLUE);
        assertThat(texts(ipam.allocate(add(2, "blue")))).containsExactly("10.1.0.10");
    }

    @Test
    void anAllocationReplayedBeforeItsPoolIsDefinedIsHeldOnceItIs() {
        Ipam first = open(NET, BLUE);
        first.allocate(add(1, "blue"));
        first.close();
        opened.clear();
        // Restarted without the pool (its object could not be read yet): the allocation is kept by value.
        Ipam ipam = open(NET);
        assertThat(ipam.allocations()).hasSize(1);
        ipam.define(BLUE);
        assertThat(texts(ipam.allocate(add(2, "blue")))).containsExactly("10.1.0.11");
        assertThatThrownBy(() -> ipam.allocate(add(3, "blue"))).hasMessageContaining("no free IPv4 address");
        assertThat(ipam.release(AttachmentKey.of("c1", "eth0"))).isPresent();
        assertThat(texts(ipam.allocate(add(3, "blue")))).containsExactly("10.1.0.10");
    }
}
