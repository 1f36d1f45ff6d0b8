package dev.podnet.planner.report;

/** Something the user must know: an error stops the plan from writing artifacts, a warning does not. */
public record Finding(Severity severity, String message) {

    public enum Severity { ERROR, WARNING, INFO }

    public static Finding error(String message) {
        return new Finding(Severity.ERROR, message);
    }

    public static Finding warning(String message) {
        return new Finding(Severity.WARNING, message);
    }

    public static Finding info(String message) {
        return new Finding(Severity.INFO, message);
    }
}
