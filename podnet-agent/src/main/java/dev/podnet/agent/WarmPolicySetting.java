package dev.podnet.agent;

import dev.podnet.net.InvalidInputException;
import dev.podnet.sim.CallBudget;
import dev.podnet.sim.Policies;
import dev.podnet.sim.Policy;
import dev.podnet.sim.PolicyContext;
import dev.podnet.sim.Scenario;
import dev.podnet.warm.VpcCniEnvironment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The warm-pool policy the agent runs instead of the VPC CNI's fixed targets: {@code PODNET_WARM_POLICY}, one of the
 * simulator's policies by name ({@code adaptive} for {@code podnet-adaptive}; {@code NAME:KEY=VALUE,...} for settings),
 * with the account's EC2 rate for calls that change ENIs ({@code PODNET_EC2_CALL_RATE}, default 5/s) and its bucket
 * ({@code PODNET_EC2_CALL_BURST}, default 50), as EC2 documents them.
 *
 * <p>The VPC CNI's warm variables win: a node moved from the VPC CNI with its aws-node settings keeps behaving as
 * before until they are removed, so switching changes nothing until asked.
 *
 * @param spec the policy as the registry names it
 */
public record WarmPolicySetting(String spec, double callsPerSecond, int callBurst) {
    private static final System.Logger LOG = System.getLogger(WarmPolicySetting.class.getName());
    public static final String POLICY = "PODNET_WARM_POLICY";
    public static final String CALL_RATE = "PODNET_EC2_CALL_RATE";
    public static final String CALL_BURST = "PODNET_EC2_CALL_BURST";
    /** The VPC CNI's variables that set warm targets: any of them set keeps its fixed targets. */
    static final List<String> VPC_CNI_TARGETS = List.of(VpcCniEnvironment.WARM_ENI_TARGET,
            VpcCniEnvironment.WARM_IP_TARGET, VpcCniEnvironment.MINIMUM_IP_TARGET, VpcCniEnvironment.WARM_PREFIX_TARGET);
    private static final String SHORT_ADAPTIVE = "adaptive";
    /** From "pool empty" to a usable address on a new ENI, as the simulator's EC2 defaults time it. */
    private static final long REFILL_MILLIS = Scenario.Ec2.DEFAULTS.attachRefill().toMillis();

    /**
     * The policy {@code env} asks for; empty: the VPC CNI's fixed targets (no policy, or VPC CNI variables set). A
     * policy the registry does not know, or one only the simulator can run, fails with the registry's message.
     */
    public static Optional<WarmPolicySetting> of(Map<String, String> env) {
        String spec = env.getOrDefault(POLICY, "").strip();
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        WarmPolicySetting setting = new WarmPolicySetting(expand(spec),
                number(env, CALL_RATE, 5, false), (int) number(env, CALL_BURST, 50, true));
        setting.create(CallBudget::tokenBucket, () -> 1); // a bad name or setting fails the start here
        List<String> vpcCni = VPC_CNI_TARGETS.stream().filter(n -> !env.getOrDefault(n, "").isBlank()).toList();
        if (!vpcCni.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "{0}={1} is ignored: the VPC CNI''s {2} set, and its variables win "
                    + "(unset them to run the policy)", POLICY, spec, String.join(", ", vpcCni)
                    + (vpcCni.size() == 1 ? " is" : " are"));
            return Optional.empty();
        }
        return Optional.of(setting);
    }

    /** A fresh policy for this node, its calls paced by {@code budgets}, shared by {@code nodes} nodes. */
    public Policy create(PolicyContext.Budgets budgets, IntSupplier nodes) {
        return Policies.forNode(spec, new PolicyContext(REFILL_MILLIS, callsPerSecond, callBurst, nodes, budgets, null));
    }

    private static String expand(String spec) {
        return spec.equals(SHORT_ADAPTIVE) || spec.startsWith(SHORT_ADAPTIVE + ":") ? "podnet-" + spec : spec;
    }

    /** {@code name}'s number, {@code absent} when unset; a rate above 0 or, {@code whole}, a bucket of at least 1. */
    private static double number(Map<String, String> env, String name, double absent, boolean whole) {
        String v = env.getOrDefault(name, "").strip();
        if (v.isEmpty()) {
            return absent;
        }
        try {
            double d = whole ? Integer.parseInt(v) : Double.parseDouble(v);
            if (whole ? d >= 1 : d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException(name + (whole ? " must be a whole number of EC2 calls, at least 1"
                : " must be EC2 calls per second, above 0") + ", got \"" + v + "\"");
    }
}
