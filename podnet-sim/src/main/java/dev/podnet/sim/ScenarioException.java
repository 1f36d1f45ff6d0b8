package dev.podnet.sim;

import dev.podnet.net.InvalidInputException;

/** A scenario the simulator cannot run; the message names the file, the field and the value. */
public final class ScenarioException extends InvalidInputException {
    public ScenarioException(String source, String field, String value, String why) {
        super(source + ": " + field + (value == null ? "" : ": \"" + value + "\"") + ": " + why);
    }

    public ScenarioException(String message) {
        super(message);
    }
}
