package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply.PoolStatus;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void readyWhenSomePoolHasAFreeAddress() {
        Readiness r = Readiness.of(List.of(new PoolStatus("a", 4, 4, 0, 0), new PoolStatus("vpc", 9, 1, 8, 0)), Set.of());
        assertThat(r).isEqualTo(new Readiness(true, "pool vpc has 8 free addresses"));
        assertThat(r.reply()).isEqualTo(new LoopbackHttp.Reply(200, "ok: pool vpc has 8 free addresses\n"));
    }

    @Test
    void anEmptyWarmPoolIsNotReadyAndSaysWhy() {
        Readiness r = Readiness.of(List.of(new PoolStatus("vpc", 0, 0, 0, 0), new PoolStatus("b", 2, 1, 0, 1)), Set.of());
        assertThat(r.ready()).isFalse();
        assertThat(r.reply().status()).isEqualTo(503);
        assertThat(r.reason()).isEqualTo("no pool has a free address: vpc (0 total, 0 used, 0 quarantined), "
                + "b (2 total, 1 used, 1 quarantined)");
        assertThat(Readiness.of(List.of(), Set.of())).isEqualTo(new Readiness(false, "no pools"));
    }

    @Test
    void aClusterPoolClaimsOnDemandSoItIsReadyEmpty() {
        assertThat(Readiness.of(List.of(new PoolStatus("cluster", 0, 0, 0, 0)), Set.of("cluster")).ready()).isTrue();
    }
}
