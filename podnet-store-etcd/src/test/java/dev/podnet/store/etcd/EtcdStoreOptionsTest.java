package dev.podnet.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.store.StoreException;
import dev.podnet.store.StoreException.Kind;
import java.net.URI;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class EtcdStoreOptionsTest {

    @Test
    void defaultsAndValues() {
        EtcdStoreOptions o = EtcdStoreOptions.builder().endpoints("http://127.0.0.1:2379", "http://10.0.0.1:2379/")
                .namespace("/cluster-a/").build();
        assertThat(o.endpoints()).containsExactly(URI.create("http://127.0.0.1:2379"),
                URI.create("http://10.0.0.1:2379/"));
        assertThat(o.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.namespace()).isEqualTo("/cluster-a/");
    }

    @Test
    void eachValueIsCheckedAsItIsSet() {
        invalid(() -> EtcdStoreOptions.builder().build(), "endpoint");
        invalid(() -> EtcdStoreOptions.builder().endpoints("127.0.0.1:2379"), "http://");
        invalid(() -> EtcdStoreOptions.builder().endpoints("https://etcd:2379"), "TLS");
        invalid(() -> EtcdStoreOptions.builder().endpoints("http://etcd"), "port");
        invalid(() -> EtcdStoreOptions.builder().endpoints("http://etcd:2379/v3"), "path");
        invalid(() -> EtcdStoreOptions.builder().endpoints("http://etcd:2379 x"), "not a URL");
        invalid(() -> EtcdStoreOptions.builder().requestTimeout(Duration.ZERO), "requestTimeout");
        invalid(() -> EtcdStoreOptions.builder().connectTimeout(Duration.ofSeconds(-1)), "connectTimeout");
        invalid(() -> EtcdStoreOptions.builder().namespace("/a\0"), "NUL");
    }

    private static void invalid(ThrowingCallable call, String mentions) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains(mentions);
        });
    }
}
