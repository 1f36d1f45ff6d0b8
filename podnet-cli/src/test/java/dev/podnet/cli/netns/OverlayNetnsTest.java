package dev.podnet.cli.netns;

import dev.podnet.store.ClusterStore;
import dev.podnet.store.etcd.EtcdExtension;
import dev.podnet.store.etcd.EtcdStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The overlay end to end on one real etcd on 127.0.0.1; keys from outside are written with etcdctl, as flannel's. */
class OverlayNetnsTest extends OverlayNetnsContract {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Override
    protected ClusterStore openStore() {
        return EtcdStore.builder().endpoints(ETCD.endpoint()).open();
    }

    @Override
    protected List<String> storeFlags(String node) {
        return List.of("--etcd-endpoints", ETCD.endpoint());
    }

    @Override
    protected void put(String key, String value) {
        etcdctl("put", key, value);
    }

    @Override
    protected String get(String key) {
        return etcdctl("get", key, "--print-value-only");
    }

    @Override
    protected void delete(String key) {
        etcdctl("del", key);
    }

    @Override
    protected String listing(String prefix) {
        return etcdctl("get", "--prefix", prefix);
    }

    private static String etcdctl(String... args) {
        List<String> argv = new ArrayList<>(List.of("env", "ETCDCTL_API=3", "/usr/bin/etcdctl", "--endpoints", ETCD.endpoint()));
        argv.addAll(List.of(args));
        Processes.Result r = Processes.run(argv, Duration.ofSeconds(30));
        return r.requireSuccess(String.join(" ", argv)).out();
    }
}
