package dev.podnet.store.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreNamesTest {
    private final StoreNames names = new StoreNames("podnet");

    @Test
    void entryNamesAreReadableValidAndUniquePerKey() {
        String name = names.entry("/coreos.com/network/subnets/10.5.52.0-24");
        assertThat(name).matches("podnet-coreos-com-network-subnets-10-5-52-0-24-[0-9a-f]{16}");
        assertThat(names.entry("/A")).as("case differs, so does the name").isNotEqualTo(names.entry("/a"));
        String longest = names.entry("\u00e9".repeat(512));
        assertThat(longest).matches("podnet-[0-9a-f]{16}");
        String long1k = names.entry("/" + "k".repeat(1023));
        assertThat(long1k.length()).isLessThanOrEqualTo(253);
        assertThat(long1k).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }

    @Test
    void aRangeSelectsTheDeepestDirectoryItsPrefixHas() {
        String key = "/coreos.com/network/subnets/10.5.52.0-24";
        Map<String, String> labels = names.entryLabels(key, 42);
        assertThat(labels).containsEntry("podnet.dev/store", "podnet").containsEntry("podnet.dev/lease", "42")
                .containsKeys("podnet.dev/dir2", "podnet.dev/dir3", "podnet.dev/dir4");
        Map<String, String> range = names.rangeLabels("/coreos.com/network/subnets/");
        assertThat(range).hasSize(2).containsEntry("podnet.dev/dir4", labels.get("podnet.dev/dir4"));
        assertThat(labels).containsAllEntriesOf(names.rangeLabels("/coreos.com/net"));
        assertThat(names.rangeLabels("/coreos.com/net")).containsOnlyKeys("podnet.dev/store", "podnet.dev/dir2");
        assertThat(names.rangeLabels("/c")).containsOnlyKeys("podnet.dev/store");
        assertThat(names.entryLabels("/a", 0)).containsOnlyKeys("podnet.dev/store");
    }

    @Test
    void storeNamesAreDnsLabels() {
        for (String bad : new String[] {"", "Podnet", "-a", "a-", "a.b", "x".repeat(41)}) {
            assertThatThrownBy(() -> new StoreNames(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new StoreNames("x".repeat(40)).log()).hasSize(40);
    }
}
