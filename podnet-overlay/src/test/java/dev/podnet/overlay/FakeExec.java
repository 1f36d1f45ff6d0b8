package dev.podnet.overlay;

import dev.podnet.linux.Exec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A fake kernel for unit tests: answers reads from canned JSON by command line, records every command and batch. */
final class FakeExec implements Exec {
    record Call(String argv, String stdin) {
    }

    final List<Call> calls = new ArrayList<>();
    private final Map<String, Result> answers = new LinkedHashMap<>();

    /** Answers any command line containing {@code fragment} with {@code out} (exit 0). */
    FakeExec on(String fragment, String out) {
        answers.put(fragment, new Result(0, out, ""));
        return this;
    }

    FakeExec on(String fragment, int exit, String err) {
        answers.put(fragment, new Result(exit, "", err));
        return this;
    }

    /** The batches run, as "TOOL: line; line". */
    List<String> batches() {
        return calls.stream().filter(c -> c.argv().endsWith("-batch -"))
                .map(c -> c.argv().split(" ")[0] + ": " + String.join("; ", c.stdin().strip().split("\n"))).toList();
    }

    @Override
    public Result run(List<String> argv, String stdin) {
        String line = String.join(" ", argv);
        calls.add(new Call(line, stdin));
        return answers.entrySet().stream().filter(e -> line.contains(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(new Result(0, "", ""));
    }
}
