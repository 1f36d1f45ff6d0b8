package dev.podnet.planner.input;

import java.util.List;

/** The plan file is wrong. Each problem names the file, the field and the value; the CLI exits with status 2. */
public class PlanInputException extends RuntimeException {
    private final List<String> problems;

    public PlanInputException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
