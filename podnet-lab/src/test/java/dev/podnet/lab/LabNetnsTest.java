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
 * A real lab of two nodes with two pods each, named with a random prefix: every pod gets a VPC address, every pod
 * reaches every other (same node and across nodes, through the fabric's router), and nothing with the prefix is left.
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
    void twoNodesTwoPodsEachAllReachEachOtherAndNothingIsLeft() throws Exception {
        String name = "t" + Integer.toHexString(new SecureRandom().nextInt(0x100000, 0xffffff));
        ProcessExec exec = new ProcessExec();
        Namespaces namespaces = new Namespaces(exec);
        LabStatus status;
        PingMatrix matrix;
        long start = System.nanoTime();
        try (Lab lab = Lab.up(new LabSpec(name, 2, 2, LabSpec.DEFAULT_INSTANCE_TYPE), exec)) {
            Path file = dir.resolve("status.json");
            lab.status().write(file);
            status = LabStatus.read(file);
            assertThat(status.nodes()).hasSize(2);
            assertThat(status.pods()).hasSize(4).allSatisfy(p -> {
                assertThat(p.ips()).isNotEmpty();
                assertThat(p.eni()).startsWith("eni-");
            });
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
