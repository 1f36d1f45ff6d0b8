package dev.podnet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.podnet.kube.SpiderpoolConversion;
import dev.podnet.net.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "convert", mixinStandardHelpOptions = true, description = "Turn another tool's objects into podnet's.",
        subcommands = ConvertCommand.Spiderpool.class)
final class ConvertCommand {

    @Command(name = "spiderpool", mixinStandardHelpOptions = true,
            description = {"Print podnet's IPPools and NetworkConfigs for the SpiderIPPools and SpiderMultusConfigs in",
                    "FILE (YAML, one or more documents, or a kubectl List; - for standard input). The specs carry",
                    "over unchanged; what podnet has no counterpart for is left out and said so on standard error.",
                    "If podnet would refuse any object, nothing is printed and the exit status is 2."},
            footer = {"", "Examples:",
                    "  kubectl get spiderippools,spidermultusconfigs -A -o yaml | podnet convert spiderpool - > podnet.yaml",
                    "  podnet convert spiderpool spiderpool-objects.yaml"})
    static final class Spiderpool implements Callable<Integer> {
        private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.SPLIT_LINES).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The Spiderpool objects, or - for standard input.")
        String file;

        @Override
        public Integer call() throws IOException {
            List<JsonNode> documents = new ArrayList<>();
            try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
                YAML.readerFor(JsonNode.class).readValues(in).forEachRemaining(d -> documents.add((JsonNode) d));
            } catch (IOException e) {
                throw new InvalidInputException(file + ": not YAML podnet can read: " + e.getMessage());
            }
            SpiderpoolConversion.Result result = SpiderpoolConversion.convert(documents);
            result.notes().forEach(n -> spec.commandLine().getErr().println("podnet convert: " + n));
            StringWriter out = new StringWriter();
            out.write("# podnet objects converted from Spiderpool's (" + file + ") by podnet convert spiderpool\n");
            try (SequenceWriter w = YAML.writer().writeValues(out)) {
                w.writeAll(result.objects());
            }
            spec.commandLine().getOut().print(out);
            return 0;
        }
    }
}
