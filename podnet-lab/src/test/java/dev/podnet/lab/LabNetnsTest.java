package dev.podnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.linux.Namespaces;
import dev.podnet.linux.Privileges;
import dev.podnet.linux.ProcessExec;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real lab of two t3.medium nodes with six pods each, named with a random prefix: the primary ENI holds five pod
 * addresses, so each node attaches a secondary ENI for the sixth; every pod gets a VPC address, every pod reaches
 * every other (same node, across nodes, on either ENI), and nothing with the prefix is left.
 */
@Tag("netns")
@ExtendWith(LabNetnsTest.Required.class)
class LabNetnsTest {
    static final class Required implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return Privileges.root() ? ConditionEvaluationResult.enabled("root")
                    : ConditionEvaluationResult.disabled("the lab needs root (it creates network namespaces)");
        }
    }

    @TempDir
    Path dir;

    @Test
    void podsOnPrimaryAndSecondaryEnisOfTwoNodesAllReachEachOtherAndNothingIsLeft() throws Exception {
        String name = "t" + Integer.toHexString(new SecureRandom().nextInt(0x100000, 0xffffff));
        ProcessExec exec = new ProcessExec();
        Namespaces namespaces = new Namespaces(exec);
        LabStatus status;
        PingMatrix matrix;
        long start = System.nanoTime();
        try (Lab lab = Lab.up(new LabSpec(name, 2, 6, "t3.medium"), exec)) {
            Path file = dir.resolve("status.json");
            lab.status().write(file);
            status = LabStatus.read(file);
            assertThat(status.nodes()).hasSize(2);
            assertThat(status.pods()).hasSize(12).allSatisfy(p -> {
                assertThat(p.ips()).isNotEmpty();
                assertThat(p.eni()).startsWith("eni-");
            });
            List<String> secondaryEnis = status.nodes().stream().flatMap(n -> n.enis().stream())
                    .filter(e -> e.device() > 0).map(LabStatus.Eni::id).toList();
            assertThat(status.pods().stream().map(LabStatus.Pod::node).filter(n -> status.pods().stream()
                    .anyMatch(p -> p.node().equals(n) && secondaryEnis.contains(p.eni()))).distinct())
                    .as("each node has a pod on a secondary ENI").hasSize(2);
            matrix = PingMatrix.measure(status, exec);
            System.out.printf("lab %s: up and all pinged in %d ms%n%s%n", name,
                    (System.nanoTime() - start) / 1_000_000, matrix.render());
            System.out.println(java.nio.file.Files.readString(file));
        }
        assertThat(matrix.allOk()).as(matrix.render()).isTrue();
        List<String> left = namespaces.list().stream().filter(n -> n.startsWith(name)).toList();
        assertThat(left).as("namespaces left").isEmpty();
    }
}
