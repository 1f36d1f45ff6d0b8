package dev.podnet.planner.report;

import java.util.List;

/** A secondary CIDR the plan associates, and every AWS rule that refuses it (none when it is allowed). */
public record CidrCheck(String cidr, List<String> refusals) {

    public CidrCheck {
        refusals = List.copyOf(refusals);
    }

    public boolean allowed() {
        return refusals.isEmpty();
    }
}
