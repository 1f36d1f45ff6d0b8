package dev.podnet.vpcsim;

import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.Sleeper;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cloud.sim.WorldSpec;
import dev.podnet.net.InvalidInputException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;

/**
 * What vpcsim emulates: the world (VPC, subnets, security groups, instances) and how EC2 behaves in it (throttling,
 * attach delay, call latency, seed, injected faults). Read from a YAML file by {@link ScenarioReader}; without a
 * file it is {@link #defaults()}: {@link DefaultWorld} with EC2's own throttling.
 */
public record Scenario(WorldSpec world, ThrottleConfig throttle, Duration attachDelay, Duration callLatency, long seed,
                       List<Fault> faults) {

    /** A failure the emulator answers on purpose for one EC2 action. */
    public sealed interface Fault {
        String action();

        Ec2Error error();

        /** The first {@code times} calls fail. */
        record Times(String action, Ec2Error error, int times) implements Fault {
        }

        /** Each call fails with this probability, drawn from the scenario's seed. */
        record Rate(String action, Ec2Error error, double probability) implements Fault {
        }
    }

    public Scenario {
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(attachDelay, "attachDelay");
        Objects.requireNonNull(callLatency, "callLatency");
        faults = List.copyOf(faults);
    }

    /** {@link DefaultWorld}, EC2's default throttling, no delays, seed 1, no faults. */
    public static Scenario defaults() {
        return new Scenario(DefaultWorld.spec(), ThrottleConfig.EC2_DEFAULT, Duration.ZERO, Duration.ZERO, 1, List.of());
    }

    /** Reads a scenario file; every problem is an {@link InvalidInputException} naming the file and the field. */
    public static Scenario load(Path file) {
        return ScenarioReader.read(file);
    }

    /** A new emulator of this scenario, with its faults already injected. */
    public VpcEmulator emulator(InstantSource clock, Sleeper sleeper) {
        VpcEmulator emulator = VpcEmulator.builder(world).clock(clock).sleeper(sleeper).throttle(throttle)
                .attachDelay(attachDelay).callLatency(callLatency).seed(seed).build();
        for (Fault fault : faults) {
            switch (fault) {
                case Fault.Times t -> emulator.faults().inject(t.action(), t.error(), t.times());
                case Fault.Rate r -> emulator.faults().injectRate(r.action(), r.error(), r.probability());
            }
        }
        return emulator;
    }
}
