package dev.podnet.blocks;

import dev.podnet.store.ClusterStore;
import dev.podnet.store.etcd.EtcdExtension;
import dev.podnet.store.etcd.EtcdStore;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The concurrency test on a real etcd (Debian's, on 127.0.0.1, random ports), in real time with live leases. */
class EtcdConcurrencyTest extends ConcurrencyContract {
    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @Override
    protected ClusterStore store(Path dir) {
        return EtcdStore.builder().endpoints(etcd.endpoint()).open();
    }

    @Override
    protected InstantSource clock() {
        return InstantSource.system();
    }
}
