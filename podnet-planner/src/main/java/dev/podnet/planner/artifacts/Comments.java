package dev.podnet.planner.artifacts;

import java.util.stream.Collectors;

/** "#" comment blocks, which YAML and bash share. */
final class Comments {
    private Comments() {
    }

    /** Each line of {@code text} as a comment; empty lines stay as a bare "#"; empty text gives nothing. */
    static String block(String text) {
        if (text.isEmpty()) {
            return "";
        }
        return text.lines().map(l -> l.isEmpty() ? "#" : "# " + l).collect(Collectors.joining("\n", "", "\n"));
    }
}
