package dev.podnet.cloud.aws;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a fresh {@link Squid} for each test (a test method takes it as a parameter) and stops it afterwards, so every
 * test reads an access log of its own. Tests are skipped, with a message, where Squid is not installed.
 */
final class SquidExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SquidExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        assumeTrue(Files.isExecutable(Squid.BINARY),
                Squid.BINARY + " is not installed (apt-get install --no-install-recommends squid); skipping the proxy tests");
        context.getStore(NAMESPACE).put(Squid.class, Squid.start());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Squid squid = context.getStore(NAMESPACE).remove(Squid.class, Squid.class);
        if (squid != null) {
            squid.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Squid.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).get(Squid.class, Squid.class);
    }
}
