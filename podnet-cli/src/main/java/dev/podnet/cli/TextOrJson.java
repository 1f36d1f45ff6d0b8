package dev.podnet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.net.InvalidInputException;
import dev.podnet.planner.text.ReportJson;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** The {@code --output text|json} option of the commands that print a table or its JSON. */
final class TextOrJson {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    void print(PrintWriter out, Supplier<JsonNode> json, Supplier<String> text) {
        switch (output) {
            case json -> out.print(ReportJson.json(json.get()));
            case text -> out.print(text.get());
            default -> throw new InvalidInputException("--output " + output + " is not supported here; use text or json");
        }
    }
}
