package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.net.InvalidInputException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** --pool specs with the table=N of a pool on a secondary ENI. */
class AgentConfigTest {
    @Test
    void aTablePartNamesThePoolsRouteTableAndIsNoRange() {
        assertThat(AgentConfig.parsePool("eni1=10.1.0.0/24,fd00::/120,table=2").isDualStack()).isTrue();
        assertThat(AgentConfig.parseRouteTable("eni1=10.1.0.0/24,fd00::/120,table=2")).contains(2);
        assertThat(AgentConfig.parseRouteTable("default=10.1.0.0/24")).isEqualTo(Optional.empty());
    }

    @Test
    void theKernelsOwnTablesAndNonsenseAreRefusedByName() {
        for (String bad : new String[] {"table=254", "table=0", "table=x", "table=2,table=3"}) {
            assertThatThrownBy(() -> AgentConfig.parseRouteTable("p=10.1.0.0/24," + bad))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("table=");
        }
    }
}
