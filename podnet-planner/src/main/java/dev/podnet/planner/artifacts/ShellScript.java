package dev.podnet.planner.artifacts;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reviewable bash script: a comment header, {@code set -euo pipefail}, the inputs as variables at the top (so a
 * missing one stops the script before it changes anything), then one commented step per action.
 * Every value from the plan goes through {@link #quote} or a variable reference, never raw into the text.
 */
final class ShellScript {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");
    private static final Pattern UNSAFE_IN_HINT = Pattern.compile("[^A-Za-z0-9 _./:,-]");

    private final String header;
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final StringBuilder steps = new StringBuilder();

    ShellScript(String header) {
        this.header = header;
    }

    /** Quotes {@code value} for bash: left bare when it holds only safe characters, else single-quoted. */
    static String quote(String value) {
        if (SAFE.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }

    /** A double-quoted reference to a variable. */
    static String ref(String name) {
        return "\"$" + name + "\"";
    }

    /** {@code POD_SUBNET} and {@code eu-west-1a} give {@code POD_SUBNET_EU_WEST_1A}. */
    static String zoneVariable(String prefix, String zone) {
        return prefix + "_" + zone.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * An AWS CLI call with {@code --region "$REGION"} and each option on its own line. {@code args} are already
     * quoted: flags start with "--", and values follow their flag.
     */
    static String aws(String command, String... args) {
        StringBuilder out = new StringBuilder("aws ").append(command).append(" \\\n    --region \"$REGION\"");
        for (String arg : args) {
            out.append(arg.startsWith("--") ? " \\\n    " : " ").append(arg);
        }
        return out.toString();
    }

    /** Declares {@code name} with a value from the plan; returns a reference to it. */
    String set(String name, String value) {
        variables.put(name, name + "=" + quote(value));
        return ref(name);
    }

    /** Declares {@code name} as an input the caller must export; the script stops at once with {@code hint} if not. */
    String require(String name, String hint) {
        String safeHint = UNSAFE_IN_HINT.matcher(hint).replaceAll("_");
        variables.put(name, name + "=\"${" + name + ":?" + safeHint + "}\"");
        return ref(name);
    }

    /** {@link #set} when the plan knows the value, else {@link #require}. */
    String known(String name, Optional<String> value, String hint) {
        return value.map(v -> set(name, v)).orElseGet(() -> require(name, hint));
    }

    /** One step: a comment saying why, then its commands. */
    ShellScript step(String comment, String... commands) {
        steps.append('\n').append(Comments.block(comment));
        for (String command : commands) {
            steps.append(command).append('\n');
        }
        return this;
    }

    boolean hasSteps() {
        return !steps.isEmpty();
    }

    String render() {
        StringBuilder out = new StringBuilder("#!/usr/bin/env bash\n").append(Comments.block(header))
                .append("set -euo pipefail\n");
        if (!variables.isEmpty()) {
            out.append('\n');
            variables.values().forEach(v -> out.append(v).append('\n'));
        }
        return out.append(steps).toString();
    }
}
