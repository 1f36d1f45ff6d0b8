package dev.podnet.linux;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A fake {@link Exec}: records each command line and its input, and answers from a queue of canned results. */
final class RecordingExec implements Exec {
    record Call(List<String> argv, String stdin) {
    }

    final List<Call> calls = new ArrayList<>();
    private final Deque<Result> answers = new ArrayDeque<>();

    RecordingExec answer(int exit, String out, String err) {
        answers.add(new Result(exit, out, err));
        return this;
    }

    @Override
    public Result run(List<String> argv, String stdin) {
        calls.add(new Call(List.copyOf(argv), stdin));
        return answers.isEmpty() ? new Result(0, "", "") : answers.poll();
    }
}
