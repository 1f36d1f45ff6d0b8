package dev.podnet.kube;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@link KubeMock} in a JVM of its own, for test classpaths it cannot join: the mock server runs on vert.x 4, jetcd
 * on vert.x 5, and one classpath holds one vert.x. The child runs on podnet-kube's own test classpath (written at
 * build time to {@value #CLASSPATH}), prints its URL and stops when its standard input closes, printing first the
 * requests it took. Register it as a static {@code @RegisterExtension} field. As {@link KubeMock} does, it holds the
 * requests of {@link #podnetClient()} to podnet's RBAC ({@link RbacCheck}) when the test class ends; podnet's clients
 * made from {@link #kubeconfig} are not told apart from the test's own and go unchecked.
 */
public final class KubeMockProcess implements MockApiServer, BeforeAllCallback, AfterAllCallback {
    static final String CLASSPATH = "mock-server.classpath";

    private Process process;
    private BufferedReader out;
    private String url;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, URISyntaxException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "--sun-misc-unsafe-memory-access=allow", "-cp", classpath(),
                KubeMockProcess.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        url = out.readLine();
        if (url == null || !url.startsWith("http://")) {
            process.destroyForcibly();
            throw new IllegalStateException("the mock API server did not start: it printed " + url);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException, InterruptedException {
        process.getOutputStream().close();
        List<String> podnet = new ArrayList<>();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            String[] methodPathAgent = line.split("\t", 3);
            if (methodPathAgent.length == 3 && PODNET_USER_AGENT.equals(methodPathAgent[2])) {
                podnet.add(methodPathAgent[0] + " " + methodPathAgent[1]);
            }
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        RbacCheck.podnet().assertAllowed(podnet);
    }

    @Override
    public String url() {
        return url;
    }

    /** The child: a mock server until standard input closes. */
    public static void main(String[] args) throws IOException {
        KubeMock mock = new KubeMock();
        mock.start();
        System.out.println(mock.url());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the parent closes our input (or dies)
        }
        for (KubeMock.Recorded r : mock.recordedRequests()) {
            System.out.println(r.method() + "\t" + r.path() + "\t" + r.userAgent());
        }
        System.out.flush();
        mock.stop();
    }

    /** podnet-kube's test classes (a directory or its test-jar) and the jars of its test classpath. */
    private static String classpath() throws IOException, URISyntaxException {
        Path own = Path.of(KubeMockProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String deps;
        try (var in = KubeMockProcess.class.getResourceAsStream(CLASSPATH)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH + " is missing: build podnet-kube with Maven first");
            }
            deps = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        return String.join(java.io.File.pathSeparator, List.of(own.toString(), deps));
    }
}
